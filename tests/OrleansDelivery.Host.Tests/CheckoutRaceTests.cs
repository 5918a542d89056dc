using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Host.Tests;

public sealed class CheckoutRaceTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_hundred_customers_checking_out_the_last_fifty_units_at_once_buy_exactly_fifty()
    {
        // Staff endpoints come later; the product is put on sale through its grain.
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var product = grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition("Limited Truffle Pizza", "Fifty made today.", 19.90m, "EUR", "pizza", [], null, true));
        await product.AdjustStockAsync(50);

        var customers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            var (_, client) = await app.SignedInCustomerAsync();
            using var added = await client.PutAsJsonAsync($"/api/cart/items/{product.GetPrimaryKey()}", new { quantity = 1 }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            return client;
        }));

        var responses = await Task.WhenAll(customers.Select(async client =>
        {
            using var response = await client.PostAsJsonAsync("/api/orders", new
            {
                deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
            }, Cancellation);
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation));
        }));

        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(150, refused.Count);
        Assert.All(refused, r =>
        {
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
            Assert.Equal("Product Limited Truffle Pizza has only 0 items in stock", r.Body.GetProperty("detail").GetString());
        });
        Assert.Equal(0, (await product.GetAsync())!.AvailableStock);
        foreach (var client in customers)
        {
            client.Dispose();
        }
    }
}
