using OrleansDelivery.Catalog;
using OrleansDelivery.Orders;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

/// <summary>
/// A product settles the units it holds with the orders they are for (the cluster checks reservations 2 s old, and
/// rechecks held ones every 4 s): what a cut-off checkout or a lost release left behind goes back on sale, and what
/// a live order holds stays held.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StockSettlementTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    private async Task<IProductGrain> StockedProductAsync(int stock)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition("Calzone", "Folded.", 12.40m, "EUR", "pizza", [], null, true));
        await product.AdjustStockAsync(stock);
        return product;
    }

    private async Task<IOrderGrain> PlaceAsync(IProductGrain product, int quantity)
    {
        var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
        var result = await order.PlaceAsync(new PlaceOrder(
            Guid.NewGuid(), "20261123-0700", [new OrderLine(product.GetPrimaryKey(), "Calzone", 12.40m, quantity, null)],
            new DeliveryDetails(DeliveryMethod.Pickup, null, "Ada", "+441234567"), PaymentType.CashOnDelivery, null, null, "EUR"));
        Assert.IsType<PlaceResult.Placed>(result);
        return order;
    }

    private static async Task<int> AvailableAsync(IProductGrain product) => (await product.GetAsync())!.AvailableStock;

    [Fact]
    public async Task Units_held_for_an_order_that_was_never_written_go_back_on_sale_while_a_live_orders_stay_held()
    {
        var product = await StockedProductAsync(10);
        // What a checkout cut off between its reservation and the order's first write leaves: units under an order id
        // whose order does not exist.
        await product.ReserveAsync(Guid.NewGuid(), 3);
        var live = await PlaceAsync(product, 2);
        Assert.Equal(5, await AvailableAsync(product));

        await Wait.UntilAsync(() => AvailableAsync(product), available => available == 8, Cap, "the unplaced order's 3 units to go back on sale");

        // The live order was asked in the same round; through a recheck round too, its units stay set aside.
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(8, await AvailableAsync(product));
        Assert.Equal(OrderStatus.Confirmed, (await live.GetAsync())!.Status);
    }

    [Fact]
    public async Task Units_a_cancelled_order_still_holds_because_its_release_was_lost_go_back_on_sale()
    {
        var product = await StockedProductAsync(10);
        var order = await PlaceAsync(product, 4);
        Assert.IsType<TransitionResult.Changed>(await order.CancelAsync("customer", null));
        Assert.Equal(10, await AvailableAsync(product));

        // As if the cancel's release had never reached the product (its silo stopped in between).
        await product.ReserveAsync(order.GetPrimaryKey(), 4);
        Assert.Equal(6, await AvailableAsync(product));

        await Wait.UntilAsync(() => AvailableAsync(product), available => available == 10, Cap, "the cancelled order's units to go back on sale");
    }
}
