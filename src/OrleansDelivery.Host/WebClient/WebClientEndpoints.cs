namespace OrleansDelivery.Host.WebClient;

/// <summary>
/// The browser client in <c>wwwroot</c>: its files as they are, and <c>index.html</c> for any other path so the
/// client's own routes (<c>/orders/…</c>, <c>/cart</c>) survive a reload. Paths of the API, the hub, the API
/// description and the health probe never fall back: an unknown one stays a 404, whatever its method; so does any
/// path asked for by a client that does not take HTML.
/// </summary>
public static class WebClientEndpoints
{
    // Catch-all paths that look like neither a file nor a server area.
    private const string ClientRoute = "{*path:nonfile:regex(^(?!(api|hubs|openapi|health|scalar|dashboard|metrics)(/|$)))}";

    public static WebApplication UseWebClient(this WebApplication app)
    {
        // "/" is not a client route (the route's constraint needs a path), so it is served as the default file.
        app.UseDefaultFiles();
        app.UseStaticFiles();
        return app;
    }

    public static IEndpointRouteBuilder MapWebClient(this IEndpointRouteBuilder app)
    {
        // Not MapFallbackToFile: its GET-only metadata makes the router answer 405 to a POST on any unknown path,
        // /api ones included, before the constraint above is even checked.
        app.MapFallback(ClientRoute, ServeIndexAsync);
        return app;
    }

    private static async Task ServeIndexAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        // A client asking for data (an API client's JSON) on an unknown path gets the 404 problem, not a page.
        var accept = context.Request.GetTypedHeaders().Accept;
        if (accept.Count > 0 && !accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) || type.MediaType.Equals("*/*", StringComparison.Ordinal)))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var index = context.RequestServices.GetRequiredService<IWebHostEnvironment>().WebRootFileProvider.GetFileInfo("index.html");
        if (!index.Exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        // The page names its scripts without versions; always revalidating it keeps a deployed change visible.
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.SendFileAsync(index, context.RequestAborted);
    }
}
