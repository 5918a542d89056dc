using OrleansDelivery.Operations;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class OperationsGrainTests(ClusterFixture fixture)
{
    // An all-orders stream of its own: its implicit subscriber is a view of its own, which no other test's orders reach.
    private readonly string _key = ClusterFixture.NewKey();

    private IOperationsGrain View => fixture.Grains.GetGrain<IOperationsGrain>(_key);

    private Orleans.Streams.IAsyncStream<OrderView> AllOrders => fixture.Cluster.Client.GetStreamProvider(StreamProviders.Events)
        .GetStream<OrderView>(StreamId.Create(OrderStreams.AllOrders, _key));

    /// <summary>An order's view at one step, as the order grain publishes it.</summary>
    private static OrderView Step(Guid id, string number, DateTimeOffset placedAt, long sequence, OrderStatus status) =>
        new(
            id,
            number,
            Guid.NewGuid(),
            status,
            [new OrderStatusChange(sequence, status, DateTimeOffset.UtcNow, "test")],
            [new OrderLine(Guid.NewGuid(), "Roll", 5m, 2, null)],
            10m,
            2.5m,
            "EUR",
            new DeliveryDetails(DeliveryMethod.OnFoot, "1 Main Street", "Ada", "+441234567"),
            PaymentType.CashOnDelivery,
            null,
            null,
            new OrderTimes { PlacedAt = placedAt },
            null);

    [Fact]
    public async Task Repeated_and_stale_steps_never_move_an_order_back_and_a_delivered_order_counts_once()
    {
        var longAgo = DateTimeOffset.UtcNow.AddDays(-2);
        var (slow, marker) = (Guid.NewGuid(), Guid.NewGuid());

        await AllOrders.OnNextAsync(Step(slow, "T-SLOW", longAgo, 2, OrderStatus.Confirmed));
        await AllOrders.OnNextAsync(Step(slow, "T-SLOW", longAgo, 3, OrderStatus.Cooking));
        await AllOrders.OnNextAsync(Step(slow, "T-SLOW", longAgo, 2, OrderStatus.Confirmed));
        // One stream keeps its order: once the marker shows, the stale step before it has been handled.
        await AllOrders.OnNextAsync(Step(marker, "T-MARK", longAgo.AddMinutes(1), 2, OrderStatus.Confirmed));
        var cooking = await Wait.UntilAsync(View.GetAsync, view => view.SlowestInProgress.Any(order => order.OrderId == marker), TimeSpan.FromSeconds(30), "the marker order");

        await AllOrders.OnNextAsync(Step(slow, "T-SLOW", longAgo, 4, OrderStatus.Delivered));
        await AllOrders.OnNextAsync(Step(slow, "T-SLOW", longAgo, 4, OrderStatus.Delivered));
        await AllOrders.OnNextAsync(Step(marker, "T-MARK", longAgo.AddMinutes(1), 3, OrderStatus.Cancelled));
        var after = await Wait.UntilAsync(View.GetAsync, view => view.SlowestInProgress.All(order => order.OrderId != marker), TimeSpan.FromSeconds(30), "the marker order to finish");

        Assert.Equal((slow, OrderStatus.Cooking), (cooking.SlowestInProgress[0].OrderId, cooking.SlowestInProgress[0].Status));
        Assert.DoesNotContain(after.SlowestInProgress, order => order.OrderId == slow);
        Assert.Equal((1, 1), (after.OrdersByStatus[OrderStatus.Delivered], after.OrdersByStatus[OrderStatus.Cancelled]));
        Assert.Equal(12.5m, after.RevenueToday["EUR"]);
        // Placed two days ago: neither today's count nor the last minutes show them.
        Assert.Equal(0, after.PlacedToday);
        Assert.Equal(new int[IOperationsGrain.MinutesShown], after.OrdersPerMinute);
    }

    [Fact]
    public async Task Orders_placed_now_count_in_this_minute_and_payment_failures_are_listed_newest_first()
    {
        var now = DateTimeOffset.UtcNow;
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        await AllOrders.OnNextAsync(Step(first, "T-1", now, 2, OrderStatus.AwaitingPayment));
        await AllOrders.OnNextAsync(Step(first, "T-1", now, 3, OrderStatus.PaymentFailed));
        await AllOrders.OnNextAsync(Step(second, "T-2", now, 2, OrderStatus.AwaitingPayment));
        await AllOrders.OnNextAsync(Step(second, "T-2", now, 3, OrderStatus.PaymentFailed));
        var view = await Wait.UntilAsync(View.GetAsync, v => v.PaymentFailuresToday == 2, TimeSpan.FromSeconds(30), "both payment failures");

        Assert.Equal(2, view.PlacedToday);
        Assert.Equal(2, view.OrdersPerMinute[^1] + view.OrdersPerMinute[^2]);
        Assert.Equal([second, first], view.RecentPaymentFailures.Select(failure => failure.OrderId));
        Assert.Equal(2, view.OrdersByStatus[OrderStatus.PaymentFailed]);
        Assert.Empty(view.SlowestInProgress);
    }
}
