using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Host.Tracking;
using OrleansDelivery.Grains.Orders;
using OrleansDelivery.Notifications;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>The tracking relay making up for steps its stream did not bring.</summary>
public sealed class TrackingCatchUpTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Steps_the_stream_never_brought_reach_the_client_from_the_order_and_later_steps_follow()
    {
        await using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Tracking:CatchUpPeriod"] = "00:00:00.200" });
        var (_, customer) = await app.SignedInCustomerAsync();
        using (customer)
        {
            var product = await DeliveryApplication.FindProductAsync(customer, "Margherita");
            (await customer.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity = 1 }, Cancellation)).Dispose();
            using var placed = await customer.PostAsJsonAsync("/api/orders", new
            {
                deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
            }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            var order = app.Services.GetRequiredService<IGrainFactory>()
                .GetGrain<IOrderGrain>((await placed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetGuid());

            await using var connection = await app.ConnectTrackingAsync(customer);
            var received = new ConcurrentQueue<OrderUpdate>();
            connection.On<OrderUpdate>(nameof(IOrderTrackingClient.OrderUpdated), received.Enqueue);
            Assert.Equal(2, (await connection.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", order.GetPrimaryKey(), (long?)null, Cancellation)).Count);

            // A subscription attached to nothing, as after a failover: the node's subscription is dropped behind the
            // relay's back, so the stream brings it nothing more.
            var stream = app.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamProviders.Events)
                .GetStream<OrderView>(StreamId.Create(OrderGrain.OrderStreamNamespace, order.GetPrimaryKey()));
            var handles = await stream.GetAllSubscriptionHandles();
            Assert.Single(handles);
            await handles[0].UnsubscribeAsync();
            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(OrderStatus.Cooking, "staff"));
            var relay = app.Services.GetRequiredService<OrderStreamRelay>();

            var cooking = await Wait.UntilAsync(() => Task.FromResult(received.ToArray()), updates => updates.Length >= 1, TimeSpan.FromSeconds(30), "Cooking, from the catch-up");
            Assert.Equal((3L, OrderStatus.Cooking), (cooking[0].Sequence, cooking[0].Status));
            Assert.True(relay.CaughtUp >= 1, $"the relay counted {relay.CaughtUp} catch-ups");

            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(OrderStatus.ReadyForDelivery, "staff"));
            var all = await Wait.UntilAsync(() => Task.FromResult(received.ToArray()), updates => updates.Length >= 2, TimeSpan.FromSeconds(30), "ReadyForDelivery");
            Assert.Equal([3L, 4L], all.Select(update => update.Sequence));
        }
    }

    [Fact]
    public async Task A_connection_registered_with_a_view_older_than_the_stream_is_caught_up_though_the_stream_is_not_behind()
    {
        await using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Tracking:CatchUpPeriod"] = "00:00:00.200" });
        var (_, customer) = await app.SignedInCustomerAsync();
        using (customer)
        {
            var orderId = (await DeliveryApplication.PlaceOrderAsync(customer, ("Margherita", 1))).GetProperty("id").GetGuid();
            var order = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IOrderGrain>(orderId);
            var confirmed = (await order.GetAsync())!;

            // The first watcher's subscription brings Cooking to this node.
            await using var first = await app.ConnectTrackingAsync(customer);
            var firstReceived = new ConcurrentQueue<OrderUpdate>();
            first.On<OrderUpdate>(nameof(IOrderTrackingClient.OrderUpdated), firstReceived.Enqueue);
            await first.InvokeAsync<IReadOnlyList<OrderUpdate>>("SubscribeOrder", orderId, (long?)null, Cancellation);
            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(OrderStatus.Cooking, "staff"));
            await Wait.UntilAsync(() => Task.FromResult(firstReceived.ToArray()), updates => updates.Any(u => u.Sequence == 3), TimeSpan.FromSeconds(30), "Cooking over the stream");

            // A second connection whose SubscribeOrder read the order before Cooking and reached the relay after it,
            // as when its call waited behind another: registered with the older view. The stream is not behind, so
            // only a catch-up that looks at each connection sends it Cooking (the hub has no such connection, so the
            // relay's count is what shows it).
            var relay = app.Services.GetRequiredService<OrderStreamRelay>();
            var before = relay.CaughtUp;
            Assert.Equal([1L, 2L], (await relay.WatchAsync("a-connection-whose-call-waited", confirmed, 0)).Select(update => update.Sequence));

            await Wait.UntilAsync(() => Task.FromResult(relay.CaughtUp), caughtUp => caughtUp > before, TimeSpan.FromSeconds(30), "a catch-up for the connection behind");
            for (var round = 0; round < 3; round++)
            {
                await relay.CatchUpAsync(Cancellation);
            }

            Assert.Equal(before + 1, relay.CaughtUp);
            Assert.Equal([3L], firstReceived.Select(update => update.Sequence));
        }
    }

    [Fact]
    public async Task Notifications_the_stream_never_brought_reach_the_client_from_the_inbox_once_and_later_ones_follow()
    {
        await using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Tracking:CatchUpPeriod"] = "00:00:00.200" });
        var (customerProfile, customer) = await app.SignedInCustomerAsync();
        using (customer)
        {
            await using var connection = await app.ConnectTrackingAsync(customer);
            var received = new ConcurrentQueue<NotificationMessage>();
            connection.On<NotificationMessage>(nameof(IOrderTrackingClient.Notification), received.Enqueue);
            var orderId = (await DeliveryApplication.PlaceOrderAsync(customer, ("Margherita", 1))).GetProperty("id").GetGuid();
            var placed = await Wait.UntilAsync(() => Task.FromResult(received.ToArray()), pushed => pushed.Length >= 1, TimeSpan.FromSeconds(30), "the order placed notification");

            // The customer's subscription dropped behind the relay's back, as after a failover: the stream brings it
            // nothing more.
            var stream = app.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamProviders.Events)
                .GetStream<Notification>(StreamId.Create(NotificationStreams.CustomerNotifications, customerProfile.Id));
            var handles = await stream.GetAllSubscriptionHandles();
            Assert.Single(handles);
            await handles[0].UnsubscribeAsync();
            var order = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IOrderGrain>(orderId);
            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(OrderStatus.Cooking, "staff"));
            var relay = app.Services.GetRequiredService<NotificationRelay>();

            var cooking = await Wait.UntilAsync(() => Task.FromResult(received.ToArray()), pushed => pushed.Length >= placed.Length + 1, TimeSpan.FromSeconds(30), "Cooking, from the inbox");
            Assert.Contains("is being cooked", cooking[^1].Title, StringComparison.Ordinal);
            Assert.True(relay.CaughtUp >= 1, $"the relay counted {relay.CaughtUp} catch-ups");

            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(OrderStatus.ReadyForDelivery, "staff"));
            await Wait.UntilAsync(() => Task.FromResult(received.ToArray()), pushed => pushed.Any(n => n.Title.Contains("is ready", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "ReadyForDelivery");
            // A few catch-up rounds more: what the client already had is never sent again.
            var rounds = relay.CaughtUp;
            for (var round = 0; round < 3; round++)
            {
                await relay.CatchUpAsync(Cancellation);
            }

            var all = received.ToArray();
            Assert.Equal(all.Length, all.Select(n => n.Id).Distinct().Count());
            Assert.Equal(placed.Length + 2, all.Length);
            Assert.Equal(rounds, relay.CaughtUp);
        }
    }

    [Fact]
    public void A_catch_up_period_out_of_range_stops_start_up_with_its_reason()
    {
        using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Tracking:CatchUpPeriod"] = "00:00:00" });
        var failure = Assert.ThrowsAny<Exception>(() => app.Start());
        Assert.Contains("Tracking:CatchUpPeriod must be between 50 ms and 1 hour.", failure.ToString(), StringComparison.Ordinal);
    }
}
