using System.Net;
using System.Net.Http.Headers;

namespace OrleansDelivery.Host.Tests;

/// <summary>The web client's files, and its routes falling back to the page without swallowing API paths.</summary>
public sealed class WebClientTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/cart")]
    [InlineData("/orders/3fa85f64-5717-4562-b3fc-2c963f66afa6")]
    public async Task A_browser_opening_a_client_route_gets_the_page(string path)
    {
        using var response = await BrowserGetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"/js/app.js\"></script>", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_signalr_client_built_from_the_npm_lock_file_is_served()
    {
        using var response = await BrowserGetAsync("/lib/signalr/signalr.min.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("HubConnectionBuilder", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/no-such-thing")]
    [InlineData("POST", "/api/no-such-thing")]
    [InlineData("POST", "/api/orders/3fa85f64-5717-4562-b3fc-2c963f66afa6/no-such-action")]
    [InlineData("GET", "/hubs/no-such-hub")]
    [InlineData("GET", "/openapi/no-such-document.json")]
    [InlineData("GET", "/health/no-such-probe")]
    [InlineData("GET", "/no-such-file.js")]
    public async Task Server_paths_and_missing_files_never_fall_back_to_the_page(string method, string path)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpResponseMessage> BrowserGetAsync(string path)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        return await client.SendAsync(request, Cancellation);
    }
}
