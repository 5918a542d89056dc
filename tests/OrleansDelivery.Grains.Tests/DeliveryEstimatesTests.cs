using OrleansDelivery.Board;
using OrleansDelivery.Catalog;
using OrleansDelivery.Grains.Kitchen;
using OrleansDelivery.Kitchen;
using OrleansDelivery.Orders;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

/// <summary>Expected times follow the cooking times measured on orders that went through, and the board follows every order.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DeliveryEstimatesTests(ClusterFixture fixture)
{
    private async Task<IOrderGrain> ConfirmedOrderAsync()
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition("Ramen", "Broth.", 12.50m, "EUR", "asian", [], null, true));
        await product.AdjustStockAsync(5);
        var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
        Assert.IsType<PlaceResult.Placed>(await order.PlaceAsync(new PlaceOrder(
            Guid.NewGuid(), "20261123-0100", [new OrderLine(product.GetPrimaryKey(), "Ramen", 12.50m, 1, null)],
            new DeliveryDetails(DeliveryMethod.OnFoot, "2 Side Street", "Ada", "+441234567"), PaymentType.CashOnDelivery, null, null, "EUR")));
        return order;
    }

    [Fact]
    public async Task Measured_cooking_times_replace_the_25_minute_default_in_new_orders()
    {
        // Cooked in moments: the measured preparation is far below the default (it is floored at 30 seconds).
        for (var cooked = 0; cooked < DeliveryEstimatesGrain.MinimumSamples; cooked++)
        {
            var order = await ConfirmedOrderAsync();
            await order.AdvanceAsync(OrderStatus.Cooking, "staff");
            await order.AdvanceAsync(OrderStatus.ReadyForDelivery, "staff");
        }

        var estimates = await Wait.UntilAsync(
            () => fixture.Grains.GetGrain<IDeliveryEstimatesGrain>(IDeliveryEstimatesGrain.Key).GetAsync(),
            current => current.CookingSamples >= DeliveryEstimatesGrain.MinimumSamples,
            TimeSpan.FromSeconds(30),
            "the cooking times to be measured");
        Assert.True(estimates.Preparation < OrderTransitions.DefaultPreparation, $"measured preparation {estimates.Preparation}");

        var next = (await (await ConfirmedOrderAsync()).GetAsync())!;
        var expectedCooking = next.Times.ExpectedCookingEndAt!.Value - next.StatusHistory[^1].At;
        Assert.True((expectedCooking - estimates.Preparation).Duration() < TimeSpan.FromSeconds(1), $"expected cooking {expectedCooking}, measured {estimates.Preparation}");
        Assert.Equal(next.Times.ExpectedCookingEndAt!.Value + OrderTransitions.Delivery(DeliveryMethod.OnFoot).Duration, next.Times.ExpectedDeliveryAt);
    }

    [Fact]
    public async Task The_board_follows_each_order_to_its_latest_status()
    {
        var order = await ConfirmedOrderAsync();
        var id = order.GetPrimaryKey();
        await order.AdvanceAsync(OrderStatus.Cooking, "staff");

        var board = fixture.Grains.GetGrain<IOrderBoardGrain>(IOrderBoardGrain.Key);
        var cooking = await Wait.UntilAsync(
            () => board.GetAsync(OrderStatus.Cooking, 1, 100),
            page => page.Items.Any(entry => entry.OrderId == id),
            TimeSpan.FromSeconds(30),
            "the board to show the order cooking");
        Assert.Equal(3, cooking.Items.Single(entry => entry.OrderId == id).Sequence);
        Assert.DoesNotContain((await board.GetAsync(OrderStatus.Confirmed, 1, 100)).Items, entry => entry.OrderId == id);
    }

    [Fact]
    public async Task The_board_ignores_a_repeated_or_stale_event_of_an_order()
    {
        var order = await ConfirmedOrderAsync();
        var confirmed = (await order.GetAsync())!;
        await order.AdvanceAsync(OrderStatus.Cooking, "staff");
        var cooking = (await order.GetAsync())!;
        var board = fixture.Grains.GetGrain<IOrderBoardGrain>(IOrderBoardGrain.Key);
        await Wait.UntilAsync(
            () => board.GetAsync(OrderStatus.Cooking, 1, 100),
            page => page.Items.Any(entry => entry.OrderId == order.GetPrimaryKey()),
            TimeSpan.FromSeconds(30),
            "the board to show the order cooking");

        // As a durable stream redelivers after a failover: the same change again, and an older one. Then another
        // order, published after them on the same stream: once it shows, the two before it have been handled.
        var allOrders = fixture.Cluster.Client.GetStreamProvider(Streaming.StreamProviders.Events)
            .GetStream<OrderView>(StreamId.Create(OrderStreams.AllOrders, OrderStreams.AllKey));
        await allOrders.OnNextAsync(cooking);
        await allOrders.OnNextAsync(confirmed);
        var fence = await ConfirmedOrderAsync();
        await Wait.UntilAsync(
            () => board.GetAsync(OrderStatus.Confirmed, 1, 100),
            page => page.Items.Any(entry => entry.OrderId == fence.GetPrimaryKey()),
            TimeSpan.FromSeconds(30),
            "the next order to reach the board");

        var entry = (await board.GetAsync(null, 1, 100_000)).Items.Where(e => e.OrderId == order.GetPrimaryKey()).ToList();
        Assert.Equal([(OrderStatus.Cooking, 3L)], entry.Select(e => (e.Status, e.Sequence)));
    }
}
