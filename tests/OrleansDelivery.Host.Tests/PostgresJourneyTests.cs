using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>The main customer journey on a node in Postgres mode, then read back by a node that starts afresh on the same database.</summary>
public sealed class PostgresJourneyTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static DeliveryApplication Node(string connectionString, string clusterId, string adminPassword)
    {
        var node = DeliveryApplication.OnPostgres(connectionString, clusterId);
        node.Settings["Catalog:SeedDemo"] = "true";
        node.Settings["Auth:Admin:Password"] = adminPassword;
        return node;
    }

    [Fact]
    public async Task A_customer_signs_up_orders_is_delivered_cancels_another_and_everything_survives_a_restart()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        var adminPassword = $"admin-{Guid.NewGuid():N}";
        DeliveryApplication.NewCustomer customer;
        Guid delivered, cancelled;
        await using (var first = Node(connectionString, "journey-first", adminPassword).Start())
        {
            (customer, var client) = await first.SignedInCustomerAsync();
            using var staff = await first.SignInAsync(DeliveryApplication.AdminLogin, adminPassword);
            using (client)
            {
                var pizza = await DeliveryApplication.FindProductAsync(client, "Margherita");
                var stockBefore = pizza.GetProperty("stock").GetInt32();
                using (var added = await client.PutAsJsonAsync($"/api/cart/items/{pizza.GetProperty("id").GetGuid()}", new { quantity = 2, note = "extra basil" }, Cancellation))
                {
                    Assert.Equal(HttpStatusCode.OK, added.StatusCode);
                }

                using var placed = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
                {
                    Content = JsonContent.Create(new { deliveryMethod = "Car", deliveryAddress = "5 Long Road", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery" }),
                };
                placed.Headers.Add("Idempotency-Key", "journey-1");
                using var order = await client.SendAsync(placed, Cancellation);
                Assert.Equal(HttpStatusCode.Created, order.StatusCode);
                delivered = (await order.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetGuid();
                Assert.Equal(stockBefore - 2, (await DeliveryApplication.FindProductAsync(client, "Margherita")).GetProperty("stock").GetInt32());

                foreach (var status in new[] { "Cooking", "ReadyForDelivery", "OutForDelivery", "Delivered" })
                {
                    using var moved = await staff.PostAsJsonAsync($"/api/staff/orders/{delivered}/status", new { status }, Cancellation);
                    Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
                }

                var salad = await DeliveryApplication.FindProductAsync(client, "Chicken Caesar");
                (await client.PutAsJsonAsync($"/api/cart/items/{salad.GetProperty("id").GetGuid()}", new { quantity = 1 }, Cancellation)).Dispose();
                using var second = await client.PostAsJsonAsync("/api/orders", new { deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "PosOnDelivery" }, Cancellation);
                cancelled = (await second.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetGuid();
                using var cancel = await client.PostAsJsonAsync($"/api/orders/{cancelled}/cancel", new { reason = "Plans changed" }, Cancellation);
                Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            }

            // The board hears of the delivery through a stream; the node is stopped only once it has, since what it is
            // about is the board's state outliving the node, not an event still in flight when the node stops.
            await Wait.UntilAsync(
                () => staff.GetFromJsonAsync<JsonElement>("/api/staff/orders?status=Delivered", Cancellation),
                board => board.GetProperty("items").EnumerateArray().Any(e => e.GetProperty("orderId").GetGuid() == delivered),
                TimeSpan.FromSeconds(30),
                "the first node's order board to show the delivery");
        }

        // A new node on the same database: the session, the orders and the customer are all read back from PostgreSQL.
        await using var restarted = Node(connectionString, "journey-second", adminPassword).Start();
        using var again = await restarted.SignInAsync(customer.Login, customer.Password);
        var history = await again.GetFromJsonAsync<JsonElement>("/api/orders", Cancellation);
        Assert.Equal(2, history.GetProperty("total").GetInt32());
        Assert.Equal([cancelled, delivered], history.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()));
        var deliveredOrder = history.GetProperty("items")[1];
        Assert.Equal("Delivered", deliveredOrder.GetProperty("status").GetString());
        Assert.Equal("extra basil", deliveredOrder.GetProperty("lines")[0].GetProperty("note").GetString());
        Assert.Equal(6, deliveredOrder.GetProperty("statusHistory").GetArrayLength());
        Assert.Equal("Plans changed", history.GetProperty("items")[0].GetProperty("cancellationReason").GetString());
        Assert.Equal(0, (await again.GetFromJsonAsync<JsonElement>("/api/orders/pending", Cancellation)).GetProperty("total").GetInt32());
        Assert.Equal(0, (await again.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("total").GetInt32());

        using var admin = await restarted.SignInAsync(DeliveryApplication.AdminLogin, adminPassword);
        await Wait.UntilAsync(
            () => admin.GetFromJsonAsync<JsonElement>("/api/staff/orders?status=Delivered", Cancellation),
            board => board.GetProperty("items").EnumerateArray().Any(e => e.GetProperty("orderId").GetGuid() == delivered),
            TimeSpan.FromSeconds(30),
            "the order board, written behind, to be read back");
    }
}
