using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansDelivery.Host.Tracking;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>Tracking on a cluster: the node holding the WebSocket hears changes made through any other node.</summary>
public sealed class TrackingClusterTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_subscriber_on_one_node_sees_the_changes_made_through_the_other()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        var adminPassword = $"admin-{Guid.NewGuid():N}";
        DeliveryApplication Node()
        {
            var node = DeliveryApplication.OnPostgres(connectionString, "tracking");
            node.Settings["Catalog:SeedDemo"] = "true";
            node.Settings["Auth:Admin:Password"] = adminPassword;
            return node;
        }

        await using var watching = Node().Start();
        await using var changing = Node().Start();
        await Wait.UntilAsync(async () => (await watching.GetHealthAsync()).Body, health => health.GetProperty("activeSilos").GetInt32() == 2, TimeSpan.FromSeconds(60), "a two-silo cluster");

        var (_, customer) = await watching.SignedInCustomerAsync();
        using var staff = await changing.SignInAsync(DeliveryApplication.AdminLogin, adminPassword);
        using (customer)
        {
            var product = await DeliveryApplication.FindProductAsync(customer, "Margherita");
            (await customer.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity = 1 }, Cancellation)).Dispose();
            using var placed = await customer.PostAsJsonAsync("/api/orders", new
            {
                deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
            }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            var orderId = (await placed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetGuid();

            await using var connection = await watching.ConnectTrackingAsync(customer);
            var live = new ConcurrentQueue<OrderUpdate>();
            connection.On<OrderUpdate>(nameof(IOrderTrackingClient.OrderUpdated), live.Enqueue);
            Assert.Equal(2, (await connection.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, (long?)null, Cancellation)).Count);

            foreach (var status in new[] { "Cooking", "ReadyForDelivery" })
            {
                using var moved = await staff.PostAsJsonAsync($"/api/staff/orders/{orderId}/status", new { status }, Cancellation);
                Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            }

            var updates = await Wait.UntilAsync(() => Task.FromResult(live.ToArray()), received => received.Length >= 2, TimeSpan.FromSeconds(30), "both steps made on the other node");
            Assert.Equal([3L, 4L], updates.Select(u => u.Sequence));
        }
    }
}
