using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Catalog;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>Customers looking at what the service suggests they order.</summary>
public sealed class RecommendationTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<List<JsonElement>> RecommendationsAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/api/recommendations", Cancellation)).GetProperty("items").EnumerateArray()];

    private static IEnumerable<string?> Names(IEnumerable<JsonElement> items) => items.Select(i => i.GetProperty("name").GetString());

    private IProductGrain Product(JsonElement product) =>
        app.Services.GetRequiredService<IGrainFactory>().GetGrain<IProductGrain>(product.GetProperty("id").GetGuid());

    /// <summary>Every suggestion is on sale and in stock right now, and none is suggested twice.</summary>
    private static async Task AssertAllOnSaleAsync(HttpClient client, List<JsonElement> items)
    {
        Assert.InRange(items.Count, 1, 10);
        Assert.Equal(items.Count, items.Select(i => i.GetProperty("productId").GetGuid()).Distinct().Count());
        foreach (var item in items)
        {
            using var response = await client.GetAsync($"/api/products/{item.GetProperty("productId").GetGuid()}", Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var product = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            Assert.True(product.GetProperty("isActive").GetBoolean());
            Assert.True(product.GetProperty("stock").GetInt32() > 0);
            Assert.Equal(product.GetProperty("price").GetDecimal(), item.GetProperty("price").GetDecimal());
            Assert.False(string.IsNullOrWhiteSpace(item.GetProperty("reason").GetString()));
        }
    }

    [Fact]
    public async Task A_new_customer_gets_products_in_stock_and_is_told_why()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            await DeliveryApplication.FindProductAsync(client, "Margherita");

            var items = await RecommendationsAsync(client);

            Assert.Equal(10, items.Count);
            Assert.All(items, i => Assert.Matches("^(Popular|In stock now)", i.GetProperty("reason").GetString()));
            await AssertAllOnSaleAsync(client, items);
        }
    }

    [Fact]
    public async Task Suggestions_start_with_what_the_customer_orders_and_never_include_inactive_or_sold_out_products()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var spicyTuna = await DeliveryApplication.FindProductAsync(client, "Spicy Tuna Roll (8 pieces)");
            var edamame = await DeliveryApplication.FindProductAsync(client, "Edamame");
            var order = await DeliveryApplication.PlaceOrderAsync(client, ("Salmon Nigiri (4 pieces)", 2), ("Edamame", 1));
            await app.DeliverAsync(order.GetProperty("id").GetGuid());

            // Edamame sells out and the spicy tuna roll is withdrawn, both in the category the customer orders from.
            var edamameGrain = Product(edamame);
            await edamameGrain.AdjustStockAsync(-(await edamameGrain.GetAsync())!.AvailableStock);
            var tunaGrain = Product(spicyTuna);
            await tunaGrain.DefineAsync((await tunaGrain.GetAsync())!.Definition with { IsActive = false });

            var items = await Wait.UntilAsync(
                () => RecommendationsAsync(client),
                found => found.Count > 0 && found[0].GetProperty("name").GetString() == "Salmon Nigiri (4 pieces)",
                TimeSpan.FromSeconds(60),
                "the ordered nigiri to lead the suggestions");

            Assert.Equal("You ordered it 2 times", items[0].GetProperty("reason").GetString());
            Assert.DoesNotContain("Edamame", Names(items));
            Assert.DoesNotContain("Spicy Tuna Roll (8 pieces)", Names(items));
            Assert.Contains(items, i => i.GetProperty("reason").GetString() == "More Sushi, which you order");
            await AssertAllOnSaleAsync(client, items);
        }
    }

    [Fact]
    public async Task What_other_customers_buy_together_is_suggested()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            await app.DeliverAsync((await DeliveryApplication.PlaceOrderAsync(alice, ("Red Lentil Soup", 1), ("Sourdough Loaf", 1))).GetProperty("id").GetGuid());
            await app.DeliverAsync((await DeliveryApplication.PlaceOrderAsync(bob, ("Red Lentil Soup", 1))).GetProperty("id").GetGuid());

            var items = await Wait.UntilAsync(
                () => RecommendationsAsync(bob),
                found => found.Any(i => i.GetProperty("name").GetString() == "Sourdough Loaf"),
                TimeSpan.FromSeconds(60),
                "the sourdough loaf bought with the soup to be suggested");

            Assert.Equal("Often bought with Red Lentil Soup", items.Single(i => i.GetProperty("name").GetString() == "Sourdough Loaf").GetProperty("reason").GetString());
            Assert.Equal("Red Lentil Soup", items[0].GetProperty("name").GetString());
            await AssertAllOnSaleAsync(bob, items);
        }
    }
}
