using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansDelivery.Host.Tracking;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>A front-end node: the web tier as an Orleans client of the silos, found through the membership table.</summary>
public sealed class FrontendTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_customer_orders_and_tracks_through_a_frontend_while_staff_work_through_a_silo()
    {
        var (silo, frontend) = await StartAsync("frontend-journey");
        await using var _ = silo;
        await using var __ = frontend;

        var health = await Wait.UntilAsync(
            async () => await frontend.GetHealthAsync(), h => h.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the front-end to reach the silo");
        Assert.Equal("Frontend", health.Body.GetProperty("role").GetString());
        Assert.Equal(1, health.Body.GetProperty("activeSilos").GetInt32());

        var (_, customer) = await frontend.SignedInCustomerAsync();
        using var staff = await silo.SignedInAdminAsync();
        using (customer)
        {
            var placed = await DeliveryApplication.PlaceOrderAsync(customer, "CashOnDelivery");
            var orderId = placed.GetProperty("id").GetGuid();

            await using var connection = await frontend.ConnectTrackingAsync(customer);
            var live = new ConcurrentQueue<OrderUpdate>();
            connection.On<OrderUpdate>(nameof(IOrderTrackingClient.OrderUpdated), live.Enqueue);
            var history = await connection.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, (long?)null, Cancellation);
            Assert.Equal([1L, 2L], history.Select(u => u.Sequence));

            using var moved = await staff.PostAsJsonAsync($"/api/staff/orders/{orderId}/status", new { status = "Cooking" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);

            var updates = await Wait.UntilAsync(() => Task.FromResult(live.ToArray()), received => received.Length >= 1, TimeSpan.FromSeconds(30), "the step made on the silo node");
            Assert.Equal(3L, updates[0].Sequence);
            var order = await customer.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Cancellation);
            Assert.Equal("Cooking", order.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task A_frontend_whose_silos_are_gone_answers_503_with_retry_after_never_500()
    {
        var (silo, frontend) = await StartAsync("frontend-outage");
        await using var _ = frontend;
        await Wait.UntilAsync(
            async () => await frontend.GetHealthAsync(), h => h.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the front-end to reach the silo");
        var (_, customer) = await frontend.SignedInCustomerAsync();
        using (customer)
        {
            await silo.DisposeAsync();

            using var response = await customer.GetAsync("/api/cart", Cancellation);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("2", response.Headers.RetryAfter?.ToString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await frontend.GetHealthAsync()).Status);
        }
    }

    private static async Task<(DeliveryApplication Silo, DeliveryApplication Frontend)> StartAsync(string clusterId)
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        var silo = DeliveryApplication.OnPostgres(connectionString, clusterId);
        silo.Settings["Catalog:SeedDemo"] = "true";
        silo.Start();

        // The front-end needs the schema and a silo in the membership table: it migrates nothing itself.
        var frontend = DeliveryApplication.OnPostgres(connectionString, clusterId);
        frontend.Settings["Cluster:Role"] = "Frontend";
        frontend.Settings["Auth:Admin:Password"] = silo.AdminPassword;
        return (silo, frontend.Start());
    }
}
