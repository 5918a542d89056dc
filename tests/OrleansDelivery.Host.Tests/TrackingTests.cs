using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Host.Tracking;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>Watching an order move, live, over the tracking hub.</summary>
public sealed class TrackingTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<Guid> PlaceOrderAsync(HttpClient customer)
    {
        var product = await DeliveryApplication.FindProductAsync(customer, "Margherita");
        (await customer.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity = 1 }, Cancellation)).Dispose();
        using var placed = await customer.PostAsJsonAsync("/api/orders", new
        {
            deliveryMethod = "OnFoot", deliveryAddress = "3 Quay", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
        }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        return (await placed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetGuid();
    }

    private static async Task MoveAsync(HttpClient staff, Guid orderId, string status)
    {
        using var moved = await staff.PostAsJsonAsync($"/api/staff/orders/{orderId}/status", new { status }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
    }

    /// <summary>Every update the connection receives, in arrival order.</summary>
    private static ConcurrentQueue<OrderUpdate> Collect(HubConnection connection)
    {
        var received = new ConcurrentQueue<OrderUpdate>();
        connection.On<OrderUpdate>(nameof(IOrderTrackingClient.OrderUpdated), received.Enqueue);
        return received;
    }

    [Fact]
    public async Task A_customer_gets_the_steps_so_far_then_each_new_one_as_it_happens()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        using var staff = await app.SignedInAdminAsync();
        using (customer)
        {
            var orderId = await PlaceOrderAsync(customer);
            await using var connection = await app.ConnectTrackingAsync(customer);
            var live = Collect(connection);

            var sofar = await connection.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, (long?)null, Cancellation);
            Assert.Equal([(1L, "Placed"), (2L, "Confirmed")], sofar.Select(u => (u.Sequence, u.Status.ToString())));
            Assert.NotNull(sofar[^1].ExpectedDeliveryAt);

            await MoveAsync(staff, orderId, "Cooking");

            var cooking = await Wait.UntilAsync(() => Task.FromResult(live.ToArray()), updates => updates.Length >= 1, TimeSpan.FromSeconds(30), "the Cooking step to be pushed");
            Assert.Equal((orderId, 3L, "Cooking"), (cooking[0].OrderId, cooking[0].Sequence, cooking[0].Status.ToString()));
        }
    }

    [Fact]
    public async Task A_client_that_reconnects_catches_up_without_gaps_or_repeats()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        using var staff = await app.SignedInAdminAsync();
        using (customer)
        {
            var orderId = await PlaceOrderAsync(customer);
            var seen = new List<OrderUpdate>();
            await using (var first = await app.ConnectTrackingAsync(customer))
            {
                var live = Collect(first);
                seen.AddRange(await first.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, (long?)null, Cancellation));
                await MoveAsync(staff, orderId, "Cooking");
                seen.AddRange(await Wait.UntilAsync(() => Task.FromResult(live.ToArray()), updates => updates.Length == 1, TimeSpan.FromSeconds(30), "Cooking"));
            }

            // Offline while the order moves on twice.
            await MoveAsync(staff, orderId, "ReadyForDelivery");
            await MoveAsync(staff, orderId, "OutForDelivery");

            await using var second = await app.ConnectTrackingAsync(customer);
            var resumed = Collect(second);
            seen.AddRange(await second.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, seen[^1].Sequence, Cancellation));
            await MoveAsync(staff, orderId, "Delivered");
            seen.AddRange(await Wait.UntilAsync(() => Task.FromResult(resumed.ToArray()), updates => updates.Length >= 1, TimeSpan.FromSeconds(30), "Delivered"));

            Assert.Equal([1L, 2, 3, 4, 5, 6], seen.Select(u => u.Sequence));
            Assert.Equal("Delivered", seen[^1].Status.ToString());
        }
    }

    [Fact]
    public async Task Someone_elses_order_is_refused_as_if_it_did_not_exist_and_staff_may_watch_any()
    {
        var (_, owner) = await app.SignedInCustomerAsync();
        var (_, stranger) = await app.SignedInCustomerAsync();
        using var staff = await app.SignedInAdminAsync();
        using (owner)
        using (stranger)
        {
            var orderId = await PlaceOrderAsync(owner);
            await using var strangers = await app.ConnectTrackingAsync(stranger);
            var refused = await Assert.ThrowsAsync<HubException>(() => strangers.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, (long?)null, Cancellation));
            var unknown = await Assert.ThrowsAsync<HubException>(() => strangers.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", Guid.NewGuid(), (long?)null, Cancellation));
            Assert.Equal(unknown.Message, refused.Message);

            await using var staffs = await app.ConnectTrackingAsync(staff);
            Assert.Equal(2, (await staffs.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, (long?)null, Cancellation)).Count);

            using var anonymous = app.CreateClient();
            await using var nobody = await app.ConnectTrackingAsync(anonymous, start: false);
            await Assert.ThrowsAnyAsync<Exception>(() => nobody.StartAsync(Cancellation));
        }
    }

    [Fact]
    public async Task Ten_thousand_connect_subscribe_disconnect_cycles_leave_no_stream_subscription_behind()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        using (customer)
        {
            var orders = new List<Guid>();
            for (var i = 0; i < 4; i++)
            {
                orders.Add(await PlaceOrderAsync(customer));
            }

            var relay = app.Services.GetRequiredService<OrderStreamRelay>();
            var cycles = 0;
            await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancellation }, async (cycle, cancellation) =>
            {
                await using var connection = await app.ConnectTrackingAsync(customer);
                var updates = await connection.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orders[cycle % orders.Count], (long?)null, cancellation);
                Assert.Equal(2, updates.Count);
                Interlocked.Increment(ref cycles);
            });

            Assert.Equal(10_000, cycles);
            // The server sees each disconnect a moment after the client closes.
            await Wait.UntilAsync(() => Task.FromResult(relay.Subscriptions), count => count == 0, TimeSpan.FromSeconds(60), "every stream subscription to be released");
            Assert.Equal(0, app.Services.GetRequiredService<NotificationRelay>().Subscriptions);
            var streams = app.Services.GetRequiredService<IClusterClient>().GetStreamProvider(Streaming.StreamProviders.Events);
            foreach (var orderId in orders)
            {
                var stream = streams.GetStream<OrleansDelivery.Orders.OrderView>(StreamId.Create(Grains.Orders.OrderGrain.OrderStreamNamespace, orderId));
                Assert.Empty(await stream.GetAllSubscriptionHandles());
            }
        }
    }

    [Fact]
    public async Task A_connected_customer_gets_their_own_notifications_without_subscribing()
    {
        var (_, customer) = await app.SignedInCustomerAsync();
        var (_, other) = await app.SignedInCustomerAsync();
        using (customer)
        using (other)
        {
            await using var connection = await app.ConnectTrackingAsync(customer);
            await using var othersConnection = await app.ConnectTrackingAsync(other);
            var mine = new ConcurrentQueue<NotificationMessage>();
            var theirs = new ConcurrentQueue<NotificationMessage>();
            connection.On<NotificationMessage>(nameof(IOrderTrackingClient.Notification), mine.Enqueue);
            othersConnection.On<NotificationMessage>(nameof(IOrderTrackingClient.Notification), theirs.Enqueue);

            var orderId = await PlaceOrderAsync(customer);

            var pushed = await Wait.UntilAsync(() => Task.FromResult(mine.ToArray()), received => received.Length >= 1, TimeSpan.FromSeconds(30), "the order's notification to be pushed");
            var inbox = await customer.GetFromJsonAsync<JsonElement>("/api/notifications", Cancellation);
            Assert.Contains(inbox.GetProperty("items").EnumerateArray(), item => item.GetProperty("id").GetGuid() == pushed[0].Id);
            Assert.Empty(theirs);
            Assert.NotEqual(Guid.Empty, orderId);
        }
    }
}
