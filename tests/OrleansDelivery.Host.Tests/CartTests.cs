using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansDelivery.Host.Tests;

/// <summary>A signed-in customer filling their cart from the demo catalogue.</summary>
public sealed class CartTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> PutItemAsync(HttpClient client, Guid productId, int quantity, string? note = null)
    {
        using var response = await client.PutAsJsonAsync($"/api/cart/items/{productId}", new { quantity, note }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
    }

    [Fact]
    public async Task A_customer_adds_changes_removes_and_clears_cart_lines()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var margherita = (await DeliveryApplication.FindProductAsync(client, "Margherita")).GetProperty("id").GetGuid();
            var lemonade = (await DeliveryApplication.FindProductAsync(client, "Homemade Lemonade 0.5 l")).GetProperty("id").GetGuid();

            await PutItemAsync(client, margherita, 2, "well done, please");
            var cart = await PutItemAsync(client, lemonade, 1);

            Assert.Equal(2, cart.GetProperty("total").GetInt32());
            Assert.Equal(22.50m, cart.GetProperty("productsPrice").GetDecimal());
            Assert.Equal("well done, please", cart.GetProperty("items")[0].GetProperty("note").GetString());
            Assert.False(cart.GetProperty("hasWarnings").GetBoolean());

            Assert.Equal(1, (await PutItemAsync(client, margherita, 0)).GetProperty("total").GetInt32());
            using (var removed = await client.DeleteAsync($"/api/cart/items/{lemonade}", Cancellation))
            {
                Assert.Equal(0, (await removed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("total").GetInt32());
            }

            await PutItemAsync(client, margherita, 3);
            using var cleared = await client.DeleteAsync("/api/cart", Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Each_customer_sees_only_their_own_cart()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            await PutItemAsync(alice, (await DeliveryApplication.FindProductAsync(alice, "Tiramisu")).GetProperty("id").GetGuid(), 1);

            Assert.Equal(0, (await bob.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("total").GetInt32());
            Assert.Equal(1, (await alice.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("total").GetInt32());
        }
    }

    [Theory]
    [InlineData(-1, null, "quantity")]
    [InlineData(100, null, "quantity")]
    [InlineData(null, null, "quantity")]
    [InlineData(1, 501, "note")]
    public async Task Bad_quantities_and_notes_are_validation_problems(int? quantity, int? noteLength, string field)
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var product = (await DeliveryApplication.FindProductAsync(client, "Margherita")).GetProperty("id").GetGuid();

            using var response = await client.PutAsJsonAsync(
                $"/api/cart/items/{product}", new { quantity, note = noteLength is { } n ? new string('x', n) : null }, Cancellation);

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }
    }

    [Fact]
    public async Task An_unknown_product_is_a_404_and_the_cart_needs_a_signed_in_customer()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            using var unknown = await client.PutAsJsonAsync($"/api/cart/items/{Guid.NewGuid()}", new { quantity = 1 }, Cancellation);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using var anonymous = app.CreateClient();
        using var response = await anonymous.GetAsync("/api/cart", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
