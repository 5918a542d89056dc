using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>A visitor browsing the demo catalogue of a freshly started node, without signing in.</summary>
public sealed class CatalogTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>The listing is a projection of the products' changes; right after start-up it may still be filling.</summary>
    private Task<JsonElement> AllProductsListedAsync() => Wait.UntilAsync(
        () => GetJsonAsync("/api/products?pageSize=100"), page => page.GetProperty("total").GetInt32() == 50, TimeSpan.FromSeconds(60), "the demo catalogue to be listed");

    [Fact]
    public async Task The_demo_catalogue_has_eight_categories_by_name()
    {
        var categories = await GetJsonAsync("/api/categories");

        Assert.Equal(8, categories.GetProperty("total").GetInt32());
        var names = categories.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);
        Assert.Contains("Pizza", names);
    }

    [Fact]
    public async Task Every_demo_category_picture_is_served_as_an_image()
    {
        var categories = await GetJsonAsync("/api/categories");
        using var client = app.CreateClient();

        foreach (var category in categories.GetProperty("items").EnumerateArray())
        {
            var pictureUrl = category.GetProperty("pictureUrl").GetString()!;
            using var picture = await client.GetAsync(pictureUrl, TestContext.Current.CancellationToken);
            Assert.True(picture.StatusCode == HttpStatusCode.OK, $"{pictureUrl} answered {(int)picture.StatusCode}");
            Assert.Equal("image/svg+xml", picture.Content.Headers.ContentType?.MediaType);
            Assert.Contains(category.GetProperty("name").GetString()!, await picture.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Browsing_a_category_pages_through_its_products_in_name_order()
    {
        await AllProductsListedAsync();

        var first = await GetJsonAsync("/api/products?categoryId=pizza&page=1&pageSize=4");
        var second = await GetJsonAsync("/api/products?categoryId=pizza&page=2&pageSize=4");

        Assert.Equal(7, first.GetProperty("total").GetInt32());
        var names = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(p => p.GetProperty("name").GetString()!).ToList();
        Assert.Equal(7, names.Distinct().Count());
        Assert.Equal(names.Order(StringComparer.OrdinalIgnoreCase), names);
        Assert.All(first.GetProperty("items").EnumerateArray(), p => Assert.Equal("pizza", p.GetProperty("categoryId").GetString()));
    }

    [Fact]
    public async Task Searching_finds_products_by_every_word_across_name_description_and_dietary_tags()
    {
        await AllProductsListedAsync();

        var page = await GetJsonAsync("/api/products?q=vegan%20soup");

        Assert.Equal(
            ["Miso Soup", "Red Lentil Soup", "Roast Tomato Soup"],
            page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task A_product_shows_its_price_stock_and_rating()
    {
        var listed = await AllProductsListedAsync();
        var margherita = listed.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "Margherita");

        var product = await GetJsonAsync($"/api/products/{margherita.GetProperty("id").GetGuid()}");

        Assert.Equal(9.50m, product.GetProperty("price").GetDecimal());
        Assert.Equal("EUR", product.GetProperty("currency").GetString());
        Assert.Equal(120, product.GetProperty("stock").GetInt32());
        Assert.Equal(["vegetarian"], product.GetProperty("dietaryTags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0, product.GetProperty("rating").GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("/api/products/00000000-0000-0000-0000-000000000001")]
    [InlineData("/api/products/not-a-guid")]
    public async Task An_unknown_product_is_a_problem_details_404(string path)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/products?pageSize=101", "pageSize")]
    [InlineData("/api/products?pageSize=0", "pageSize")]
    [InlineData("/api/products?page=0", "page")]
    [InlineData("/api/categories?page=-3", "page")]
    [InlineData("/api/products?page=abc", "page")]
    public async Task Bad_paging_is_a_validation_problem_naming_the_field(string path, string field)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task An_overlong_search_is_a_validation_problem()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync($"/api/products?q={new string('x', 201)}", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty("q", out _));
    }
}
