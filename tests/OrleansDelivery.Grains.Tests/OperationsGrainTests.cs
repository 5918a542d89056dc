using OrleansDelivery.Operations;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class OperationsGrainTests(ClusterFixture fixture)
{
    private IOperationsGrain View => fixture.Grains.GetGrain<IOperationsGrain>(IOperationsGrain.Key);

    private Orleans.Streams.IAsyncStream<OrderView> AllOrders => fixture.Cluster.Client.GetStreamProvider(StreamProviders.Events)
        .GetStream<OrderView>(StreamId.Create(OrderStreams.AllOrders, OrderStreams.AllKey));

    /// <summary>An order's view at one step, as the order grain publishes it; placed long ago, so it leads the slowest list.</summary>
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
        var before = await View.GetAsync();

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
        Assert.Equal(1, after.OrdersByStatus[OrderStatus.Delivered] - before.OrdersByStatus[OrderStatus.Delivered]);
        Assert.Equal(1, after.OrdersByStatus[OrderStatus.Cancelled] - before.OrdersByStatus[OrderStatus.Cancelled]);
        Assert.Equal(12.5m, after.RevenueToday["EUR"] - before.RevenueToday.GetValueOrDefault("EUR"));
        // Placed two days ago: neither today's count nor the last minutes change.
        Assert.Equal(before.PlacedToday, after.PlacedToday);
        Assert.Equal(IOperationsGrain.MinutesShown, after.OrdersPerMinute.Length);
    }
}
