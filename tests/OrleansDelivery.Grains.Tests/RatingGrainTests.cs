using OrleansDelivery.Catalog;
using OrleansDelivery.Orders;
using OrleansDelivery.Ratings;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RatingGrainTests(ClusterFixture fixture)
{
    private async Task<IProductGrain> ProductAsync(string name)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition(name, $"{name}, freshly made.", 9.90m, "EUR", "pizza", [], null, true));
        await product.AdjustStockAsync(10);
        return product;
    }

    private async Task<IOrderGrain> PlacedAsync(params IProductGrain[] products)
    {
        var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
        var result = await order.PlaceAsync(new PlaceOrder(
            Guid.NewGuid(), "20261123-0007", [.. products.Select(p => new OrderLine(p.GetPrimaryKey(), "Pizza", 9.90m, 1, null))],
            new DeliveryDetails(DeliveryMethod.Pickup, null, "Ada", "+441234567"), PaymentType.CashOnDelivery, null, null, "EUR"));
        Assert.IsType<PlaceResult.Placed>(result);
        return order;
    }

    private static async Task DeliverAsync(IOrderGrain order)
    {
        foreach (var status in new[] { OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered })
        {
            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(status, "staff"));
        }
    }

    [Fact]
    public async Task A_delivered_order_is_rated_once_and_every_product_counts_it()
    {
        var pizza = await ProductAsync("Margherita");
        var other = await ProductAsync("Funghi");
        var order = await PlacedAsync(pizza, other);

        Assert.IsType<RatingResult.NotDelivered>(await order.RateAsync(5, null));
        await DeliverAsync(order);
        var rated = Assert.IsType<RatingResult.Rated>(await order.RateAsync(4, "  Good  "));
        Assert.IsType<RatingResult.AlreadyRated>(await order.RateAsync(1, null));

        Assert.Equal((4, "Good"), (rated.Order.Rating!.Stars, rated.Order.Rating.Comment));
        Assert.Equal(4, (await order.GetAsync())!.Rating!.Stars);
        foreach (var product in new[] { pizza, other })
        {
            var view = (await product.GetAsync())!;
            Assert.Equal((4m, 1), (view.RatingAverage, view.RatingCount));
        }

        Assert.IsType<RatingResult.UnknownOrder>(await fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid()).RateAsync(3, null));
    }

    [Fact]
    public async Task A_product_counts_each_orders_rating_once()
    {
        var product = await ProductAsync("Diavola");
        var first = Guid.NewGuid();

        await product.AddRatingAsync(first, 5);
        await product.AddRatingAsync(first, 5);
        var view = await product.AddRatingAsync(Guid.NewGuid(), 2);

        Assert.Equal((3.5m, 2), (view!.RatingAverage, view.RatingCount));
    }

    [Fact]
    public async Task A_low_rating_raises_one_alert_which_staff_acknowledge_once()
    {
        var alerts = fixture.Grains.GetGrain<ILowRatingAlertsGrain>(ClusterFixture.NewKey());
        var orderId = Guid.NewGuid();
        var at = DateTimeOffset.UtcNow;

        var raised = await alerts.RaiseAsync(orderId, "20261123-0001", Guid.NewGuid(), 1, "Cold", at);
        Assert.Equal(raised, await alerts.RaiseAsync(orderId, "20261123-0001", Guid.NewGuid(), 1, "Cold", at));
        var newer = await alerts.RaiseAsync(Guid.NewGuid(), "20261123-0002", Guid.NewGuid(), 2, null, at);

        Assert.Equal([newer.Id, raised.Id], (await alerts.GetAsync(null, 1, 10)).Items.Select(a => a.Id));
        var acknowledged = await alerts.AcknowledgeAsync(raised.Id, "staff:1");
        Assert.Equal("staff:1", acknowledged!.AcknowledgedBy);
        Assert.Equal(acknowledged, await alerts.AcknowledgeAsync(raised.Id, "staff:2"));
        Assert.Equal([newer.Id], (await alerts.GetAsync(true, 1, 10)).Items.Select(a => a.Id));
        Assert.Null(await alerts.AcknowledgeAsync(Guid.NewGuid(), "staff:1"));
    }

    [Fact]
    public async Task A_rating_of_two_or_less_alerts_staff_and_three_does_not()
    {
        var alerts = fixture.Grains.GetGrain<ILowRatingAlertsGrain>(ILowRatingAlertsGrain.Key);
        var low = await PlacedAsync(await ProductAsync("Marinara"));
        var fair = await PlacedAsync(await ProductAsync("Vegetariana"));
        await DeliverAsync(low);
        await DeliverAsync(fair);

        await low.RateAsync(2, "Late");
        await fair.RateAsync(3, null);

        var all = (await alerts.GetAsync(null, 1, 100)).Items;
        Assert.Equal("Late", Assert.Single(all, a => a.OrderId == low.GetPrimaryKey()).Comment);
        Assert.DoesNotContain(all, a => a.OrderId == fair.GetPrimaryKey());
    }
}
