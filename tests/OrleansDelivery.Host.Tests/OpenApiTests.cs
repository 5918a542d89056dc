using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansDelivery.Host.Tests;

public sealed class OpenApiTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_by_name()
    {
        using var client = app.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);

        var paths = document.GetProperty("paths");
        foreach (var (path, operationId) in new[]
        {
            ("/health", "GetHealth"),
            ("/api/categories", "GetCategories"),
            ("/api/products", "SearchProducts"),
            ("/api/products/{id}", "GetProduct"),
            ("/api/me", "GetProfile"),
            ("/api/cart", "GetCart"),
        })
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} is missing from the OpenAPI document");
            Assert.Equal(operationId, item.GetProperty("get").GetProperty("operationId").GetString());
        }
    }

    [Fact]
    public async Task The_interactive_api_page_is_served()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/scalar", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
