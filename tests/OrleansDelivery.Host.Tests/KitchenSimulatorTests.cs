using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>With the kitchen simulator on, an order goes from the kitchen to the door by itself.</summary>
public sealed class KitchenSimulatorTests : IAsyncLifetime
{
    // 25 minutes of cooking take 1.5 s; the whole trip a few seconds.
    private readonly DeliveryApplication _app = DeliveryApplication.With(new Dictionary<string, string?>
    {
        ["Kitchen:Simulate"] = "true",
        ["Kitchen:TimeScale"] = "1000",
    });

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_confirmed_order_is_cooked_handed_over_and_delivered_with_every_time_stamped()
    {
        var (_, customer) = await _app.SignedInCustomerAsync();
        using (customer)
        {
            var product = await DeliveryApplication.FindProductAsync(customer, "Margherita");
            (await customer.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity = 1 }, Cancellation)).Dispose();
            using var placed = await customer.PostAsJsonAsync("/api/orders", new
            {
                deliveryMethod = "ElectricScooter", deliveryAddress = "1 Market St", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "PosOnDelivery",
            }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            var id = (await placed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetGuid();

            var delivered = await Wait.UntilAsync(
                () => customer.GetFromJsonAsync<JsonElement>($"/api/orders/{id}", Cancellation),
                order => order.GetProperty("status").GetString() == "Delivered",
                TimeSpan.FromSeconds(90),
                "the simulated kitchen and courier to deliver the order");

            var history = delivered.GetProperty("statusHistory").EnumerateArray().ToList();
            Assert.Equal(["Placed", "Confirmed", "Cooking", "ReadyForDelivery", "OutForDelivery", "Delivered"], history.Select(h => h.GetProperty("status").GetString()));
            Assert.All(history.Skip(2), step => Assert.Equal("kitchen-simulator", step.GetProperty("by").GetString()));
            var times = delivered.GetProperty("times");
            Assert.All(new[] { "cookingStartedAt", "readyAt", "outForDeliveryAt", "deliveredAt" }, name => Assert.Equal(JsonValueKind.String, times.GetProperty(name).ValueKind));
            Assert.Equal(["1", "2", "3", "4", "5", "6"], history.Select(h => h.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}
