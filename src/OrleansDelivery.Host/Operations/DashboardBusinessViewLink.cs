using System.Text;

namespace OrleansDelivery.Host.Operations;

/// <summary>
/// The Orleans Dashboard's page is Orleans' own, bundled in its package with no place for a link of ours. So that
/// operators find the business view from the dashboard, its HTML page gets one link added on the way out: a fixed
/// button at the bottom right, to <c>/staff/operations</c>. Only the page itself is touched, never its data calls.
/// </summary>
internal static class DashboardBusinessViewLink
{
    public const string Href = "/staff/operations";

    private const string Link =
        "<a id=\"od-business-view\" href=\"" + Href + "\" style=\"position:fixed;right:16px;bottom:16px;z-index:2000;" +
        "padding:8px 14px;border-radius:6px;background:#0b5ed7;color:#fff;font:600 14px system-ui,sans-serif;" +
        "text-decoration:none;box-shadow:0 2px 6px rgba(0,0,0,.3)\">Business view</a>";

    public static bool IsPage(PathString path) =>
        path.Equals(OperationsEndpoints.DashboardPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(OperationsEndpoints.DashboardPath + "/", StringComparison.OrdinalIgnoreCase)
        || path.Equals(OperationsEndpoints.DashboardPath + "/index.html", StringComparison.OrdinalIgnoreCase);

    public static async Task AddAsync(HttpContext context, RequestDelegate next)
    {
        // The page is read and rewritten here, so it must come uncompressed (browsers ask for gzip or br).
        context.Request.Headers.AcceptEncoding = default;
        var body = context.Response.Body;
        using var page = new MemoryStream();
        context.Response.Body = page;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        var html = context.Response is { StatusCode: StatusCodes.Status200OK, ContentType: { } type }
            && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            && context.Response.Headers.ContentEncoding.Count == 0
            ? Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length)
            : null;
        var end = html?.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase) ?? -1;
        if (end < 0)
        {
            page.Position = 0;
            await page.CopyToAsync(body, context.RequestAborted);
            return;
        }

        var linked = Encoding.UTF8.GetBytes(html!.Insert(end, Link));
        context.Response.ContentLength = linked.Length;
        await body.WriteAsync(linked, context.RequestAborted);
    }
}
