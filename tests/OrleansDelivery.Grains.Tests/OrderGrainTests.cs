using OrleansDelivery.Catalog;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class OrderGrainTests(ClusterFixture fixture)
{
    private static readonly OrderStatus[] Statuses = Enum.GetValues<OrderStatus>();

    private async Task<(IOrderGrain Order, IProductGrain Product)> PlacedAsync(PaymentType payment = PaymentType.CashOnDelivery, int quantity = 2)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition("Diavola", "Spicy.", 11.90m, "EUR", "pizza", [], null, true));
        await product.AdjustStockAsync(10);
        var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
        var result = await order.PlaceAsync(new PlaceOrder(
            Guid.NewGuid(), "20261123-0001", [new OrderLine(product.GetPrimaryKey(), "Diavola", 11.90m, quantity, null)],
            new DeliveryDetails(DeliveryMethod.Car, "1 Main Street", "Ada", "+441234567"), payment, null, null, "EUR"));
        Assert.IsType<PlaceResult.Placed>(result);
        return (order, product);
    }

    /// <summary>Drives a fresh order into <paramref name="status"/> along allowed transitions.</summary>
    private async Task<(IOrderGrain Order, IProductGrain Product)> InStatusAsync(OrderStatus status)
    {
        var prepaid = status is OrderStatus.AwaitingPayment or OrderStatus.PaymentFailed;
        var (order, product) = await PlacedAsync(prepaid ? PaymentType.Card : PaymentType.CashOnDelivery);
        OrderStatus[] path = status switch
        {
            OrderStatus.Placed => throw new ArgumentOutOfRangeException(nameof(status), "Placed is left at once."),
            OrderStatus.AwaitingPayment or OrderStatus.Confirmed => [],
            OrderStatus.PaymentFailed => [OrderStatus.PaymentFailed],
            OrderStatus.Cooking => [OrderStatus.Cooking],
            OrderStatus.ReadyForDelivery => [OrderStatus.Cooking, OrderStatus.ReadyForDelivery],
            OrderStatus.OutForDelivery => [OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery],
            OrderStatus.Delivered => [OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered],
            OrderStatus.Cancelled => [OrderStatus.Cancelled],
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        foreach (var step in path)
        {
            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(step, "staff"));
        }

        Assert.Equal(status, (await order.GetAsync())!.Status);
        return (order, product);
    }

    public static TheoryData<OrderStatus, OrderStatus> EveryPair()
    {
        var pairs = new TheoryData<OrderStatus, OrderStatus>();
        foreach (var from in Statuses.Where(s => s != OrderStatus.Placed))
        {
            foreach (var to in Statuses)
            {
                pairs.Add(from, to);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public async Task Every_transition_is_allowed_or_refused_as_the_state_machine_says(OrderStatus from, OrderStatus to)
    {
        var (order, _) = await InStatusAsync(from);
        var historyBefore = (await order.GetAsync())!.StatusHistory.Length;

        var result = await order.AdvanceAsync(to, "staff");

        var after = (await order.GetAsync())!;
        if (OrderTransitions.IsAllowed(from, to))
        {
            Assert.Equal(to, Assert.IsType<TransitionResult.Changed>(result).Order.Status);
            Assert.Equal(historyBefore + 1, after.StatusHistory.Length);
        }
        else
        {
            Assert.IsType<TransitionResult.Refused>(result);
            Assert.Equal((from, historyBefore), (after.Status, after.StatusHistory.Length));
        }

        // Sequences stay gap-free whatever happened.
        Assert.Equal(Enumerable.Range(1, after.StatusHistory.Length).Select(i => (long)i), after.StatusHistory.Select(c => c.Sequence));
    }

    [Fact]
    public async Task A_cancel_racing_the_kitchen_has_exactly_one_winner_and_the_stock_follows_it()
    {
        for (var round = 0; round < 20; round++)
        {
            var (order, product) = await InStatusAsync(OrderStatus.Confirmed);

            var results = await Task.WhenAll(order.CancelAsync("customer", "changed my mind"), order.AdvanceAsync(OrderStatus.Cooking, "kitchen"));

            Assert.Single(results, r => r is TransitionResult.Changed);
            var final = (await order.GetAsync())!;
            var stock = (await product.GetAsync())!.AvailableStock;
            Assert.Equal(final.Status == OrderStatus.Cancelled ? 10 : 8, stock);
        }
    }

    [Fact]
    public async Task Delivering_sells_the_reserved_units()
    {
        var (_, product) = await InStatusAsync(OrderStatus.Delivered);

        var view = (await product.GetAsync())!;

        Assert.Equal(8, view.AvailableStock);
        Assert.IsType<ReservationResult.OutOfStock>(await product.ReserveAsync(Guid.NewGuid(), 9));
    }
}
