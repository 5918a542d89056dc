using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Host.Tests;

/// <summary>Customers saving orders as favourites and ordering them again.</summary>
public sealed class FavoriteTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, object? body = null)
    {
        using var response = await client.PostAsJsonAsync(path, body ?? new { }, Cancellation);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation));
    }

    private IProductGrain Product(JsonElement product) =>
        app.Services.GetRequiredService<IGrainFactory>().GetGrain<IProductGrain>(product.GetProperty("id").GetGuid());

    private static JsonElement Line(JsonElement cart, string name) =>
        cart.GetProperty("items").EnumerateArray().Single(line => line.GetProperty("name").GetString() == name);

    private static IEnumerable<string?> WarningCodes(JsonElement line) =>
        line.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString());

    [Fact]
    public async Task A_favourite_is_saved_listed_and_deleted_with_unique_names()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var order = await DeliveryApplication.PlaceOrderAsync(client, ("Classic Burger", 2), ("Skin-on Fries", 1));
            var orderId = order.GetProperty("id").GetGuid();

            var (status, favorite) = await PostAsync(client, $"/api/orders/{orderId}/favorite", new { name = " Friday night " });
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal("Friday night", favorite.GetProperty("name").GetString());
            Assert.Equal(
                [("Classic Burger", 2), ("Skin-on Fries", 1)],
                favorite.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("name").GetString(), l.GetProperty("quantity").GetInt32())));

            var (duplicateStatus, _) = await PostAsync(client, $"/api/orders/{orderId}/favorite", new { name = "FRIDAY NIGHT" });
            Assert.Equal(HttpStatusCode.Conflict, duplicateStatus);
            foreach (var name in new[] { "", "   ", new string('x', 101) })
            {
                var (badStatus, bad) = await PostAsync(client, $"/api/orders/{orderId}/favorite", new { name });
                Assert.Equal(HttpStatusCode.BadRequest, badStatus);
                Assert.Equal(["name"], bad.GetProperty("errors").EnumerateObject().Select(e => e.Name));
            }

            var list = await client.GetFromJsonAsync<JsonElement>("/api/favorites", Cancellation);
            Assert.Equal(1, list.GetProperty("total").GetInt32());
            var id = list.GetProperty("items")[0].GetProperty("id").GetGuid();
            Assert.Equal(favorite.GetProperty("id").GetGuid(), id);

            using (var deleted = await client.DeleteAsync($"/api/favorites/{id}", Cancellation))
            {
                Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
            }

            using (var again = await client.DeleteAsync($"/api/favorites/{id}", Cancellation))
            {
                Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
            }

            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/favorites", Cancellation)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task A_customer_keeps_at_most_fifty_favourites()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var orderId = (await DeliveryApplication.PlaceOrderAsync(client, ("Onion Rings", 1))).GetProperty("id").GetGuid();
            for (var i = 1; i <= 50; i++)
            {
                Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, $"/api/orders/{orderId}/favorite", new { name = $"Rings {i}" })).Status);
            }

            var (status, problem) = await PostAsync(client, $"/api/orders/{orderId}/favorite", new { name = "Rings 51" });

            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains("50", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Equal(50, (await client.GetFromJsonAsync<JsonElement>("/api/favorites?pageSize=100", Cancellation)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Reordering_a_favourite_brings_the_lines_back_at_todays_prices_with_warnings()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var tiramisu = await DeliveryApplication.FindProductAsync(client, "Tiramisu");
            var caprese = await DeliveryApplication.FindProductAsync(client, "Caprese");
            var cheesecake = await DeliveryApplication.FindProductAsync(client, "New York Cheesecake");
            var order = await DeliveryApplication.PlaceOrderAsync(client, ("Tiramisu", 2), ("Caprese", 3), ("New York Cheesecake", 1));
            var orderId = order.GetProperty("id").GetGuid();
            await app.DeliverAsync(orderId);
            var (_, favorite) = await PostAsync(client, $"/api/orders/{orderId}/favorite", new { name = "Sweet tooth" });

            // Since then: tiramisu costs more, caprese is nearly sold out, the cheesecake is withdrawn.
            var tiramisuGrain = Product(tiramisu);
            var tiramisuNow = await tiramisuGrain.GetAsync();
            await tiramisuGrain.DefineAsync(tiramisuNow!.Definition with { Price = 6.40m });
            var capreseGrain = Product(caprese);
            await capreseGrain.AdjustStockAsync(1 - (await capreseGrain.GetAsync())!.AvailableStock);
            var cheesecakeGrain = Product(cheesecake);
            await cheesecakeGrain.DefineAsync((await cheesecakeGrain.GetAsync())!.Definition with { IsActive = false });

            var (status, cart) = await PostAsync(client, $"/api/favorites/{favorite.GetProperty("id").GetGuid()}/reorder");

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(cart.GetProperty("hasWarnings").GetBoolean());
            var tiramisuLine = Line(cart, "Tiramisu");
            Assert.Equal((6.40m, 2), (tiramisuLine.GetProperty("unitPrice").GetDecimal(), tiramisuLine.GetProperty("quantity").GetInt32()));
            Assert.Equal(["PriceChanged"], WarningCodes(tiramisuLine));
            Assert.Contains("5.90", tiramisuLine.GetProperty("warnings")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
            var capreseLine = Line(cart, "Caprese");
            Assert.Equal(3, capreseLine.GetProperty("quantity").GetInt32());
            Assert.Equal(["NotEnoughStock"], WarningCodes(capreseLine));
            Assert.Equal(["NoLongerSold"], WarningCodes(Line(cart, "New York Cheesecake")));
            Assert.Equal(cart.GetRawText(), (await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetRawText());

            // Reordering the order itself adds to what is in the cart.
            var (againStatus, again) = await PostAsync(client, $"/api/orders/{orderId}/reorder");
            Assert.Equal(HttpStatusCode.OK, againStatus);
            Assert.Equal(4, Line(again, "Tiramisu").GetProperty("quantity").GetInt32());
            Assert.Equal(3, again.GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Another_customers_orders_and_favourites_are_not_found()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            var orderId = (await DeliveryApplication.PlaceOrderAsync(alice, ("Black Bean Burger", 1))).GetProperty("id").GetGuid();
            var (_, favorite) = await PostAsync(alice, $"/api/orders/{orderId}/favorite", new { name = "Veggie" });
            var favoriteId = favorite.GetProperty("id").GetGuid();

            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(bob, $"/api/orders/{orderId}/favorite", new { name = "Mine now" })).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(bob, $"/api/orders/{orderId}/reorder")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(bob, $"/api/favorites/{favoriteId}/reorder")).Status);
            using (var delete = await bob.DeleteAsync($"/api/favorites/{favoriteId}", Cancellation))
            {
                Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
            }

            Assert.Equal(0, (await bob.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("total").GetInt32());
            Assert.Equal(0, (await bob.GetFromJsonAsync<JsonElement>("/api/favorites", Cancellation)).GetProperty("total").GetInt32());
            Assert.Equal(1, (await alice.GetFromJsonAsync<JsonElement>("/api/favorites", Cancellation)).GetProperty("total").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(alice, $"/api/favorites/{favoriteId}/reorder")).Status);
        }
    }
}
