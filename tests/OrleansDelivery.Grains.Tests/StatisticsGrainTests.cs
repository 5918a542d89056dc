using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using OrleansDelivery.Catalog;
using OrleansDelivery.Grains.Statistics;
using OrleansDelivery.Orders;
using OrleansDelivery.Statistics;
using OrleansDelivery.Streaming;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StatisticsGrainTests(ClusterFixture fixture)
{
    private async Task<IProductGrain> ProductAsync(string name)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition(name, $"{name}, freshly made.", 5m, "EUR", "sushi", [], null, true));
        await product.AdjustStockAsync(10);
        return product;
    }

    private async Task<IOrderGrain> PlacedAsync(Guid customerId, params IProductGrain[] products)
    {
        var order = fixture.Grains.GetGrain<IOrderGrain>(Guid.NewGuid());
        Assert.IsType<PlaceResult.Placed>(await order.PlaceAsync(new PlaceOrder(
            customerId, "20261123-0009", [.. products.Select(p => new OrderLine(p.GetPrimaryKey(), "Roll", 5m, 2, null))],
            new DeliveryDetails(DeliveryMethod.Car, "1 Main Street", "Ada", "+441234567"), PaymentType.CashOnDelivery, null, null, "EUR")));
        return order;
    }

    [Fact]
    public async Task Repeated_and_stale_order_events_count_once()
    {
        var customerId = Guid.NewGuid();
        var (roll, edamame) = (await ProductAsync("Roll"), await ProductAsync("Edamame"));
        var order = await PlacedAsync(customerId, roll, edamame);
        var confirmed = (await order.GetAsync())!;
        foreach (var status in new[] { OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered })
        {
            await order.AdvanceAsync(status, "staff");
        }

        var statistics = fixture.Grains.GetGrain<ICustomerStatisticsGrain>(customerId);
        await Wait.UntilAsync(() => statistics.GetAsync(StatisticsPeriod.All), s => s.OrderCount == 1, TimeSpan.FromSeconds(30), "the delivered order");

        // The delivered view again and an older one, as a redelivering stream would send them; then a cancelled
        // order, so that once it shows, the repeats before it have been handled.
        var stream = fixture.Cluster.Client.GetStreamProvider(StreamProviders.Events)
            .GetStream<OrderView>(StreamId.Create(Grains.Orders.OrderGrain.CustomerOrdersStreamNamespace, customerId));
        await stream.OnNextAsync((await order.GetAsync())!);
        await stream.OnNextAsync(confirmed);
        var cancelled = await PlacedAsync(customerId, roll);
        await cancelled.CancelAsync("customer", null);
        var stats = await Wait.UntilAsync(() => statistics.GetAsync(StatisticsPeriod.All), s => s.CancelledCount == 1, TimeSpan.FromSeconds(30), "the cancelled order");

        Assert.Equal((1, 4, 20m + 4.90m), (stats.OrderCount, stats.ItemCount, stats.TotalSpent));
        Assert.Equal(0, stats.InProgressCount);
        Assert.Equal([(roll.GetPrimaryKey(), 1)], (await fixture.Grains.GetGrain<IBoughtTogetherGrain>(edamame.GetPrimaryKey()).GetTopAsync(10)).Select(c => (c.ProductId, c.Orders)));
        Assert.Equal([(edamame.GetPrimaryKey(), 1)], (await fixture.Grains.GetGrain<IBoughtTogetherGrain>(roll.GetPrimaryKey()).GetTopAsync(10)).Select(c => (c.ProductId, c.Orders)));
        Assert.Equal([(roll.GetPrimaryKey(), 2), (edamame.GetPrimaryKey(), 2)], (await statistics.GetOrderedProductsAsync()).Select(p => (p.ProductId, p.Quantity)).OrderBy(p => p.ProductId != roll.GetPrimaryKey()));
    }

    [Fact]
    public async Task A_state_stored_with_whole_order_views_is_counted_and_rewritten_as_facts()
    {
        var roll = await ProductAsync("Roll");
        var order = await PlacedAsync(Guid.NewGuid(), roll);
        foreach (var status in new[] { OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered })
        {
            await order.AdvanceAsync(status, "staff");
        }

        // Another customer's statistics, stored as the grain stored them before it kept facts: the whole view.
        var customerId = Guid.NewGuid();
        var delivered = (await order.GetAsync())! with { CustomerId = customerId };
        var statistics = fixture.Grains.GetGrain<ICustomerStatisticsGrain>(customerId);
        var storage = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        await storage.WriteStateAsync(
            "statistics", statistics.GetGrainId(), new GrainState<CustomerStatisticsState>(new() { Orders = { [delivered.Id] = delivered } }));

        var stats = await statistics.GetAsync(StatisticsPeriod.All);

        Assert.Equal((1, 2, 10m + 4.90m, 0), (stats.OrderCount, stats.ItemCount, stats.TotalSpent, stats.InProgressCount));
        Assert.Equal("1 Main Street", Assert.Single(stats.DeliveryPlaces).Address);
        Assert.NotNull(stats.AverageCookingMinutes);
        var stored = (await Wait.UntilAsync(
            async () =>
            {
                var state = new GrainState<CustomerStatisticsState>(new());
                await storage.ReadStateAsync("statistics", statistics.GetGrainId(), state);
                return state.State;
            },
            state => state is { Orders.Count: 0 },
            TimeSpan.FromSeconds(30),
            "the statistics to write their state as facts"))!;
        var facts = Assert.Single(stored.OrderFacts.Values);
        Assert.Equal(
            (delivered.StatusHistory[^1].Sequence, OrderStatus.Delivered, delivered.Times.PlacedAt, 14.90m, "EUR", "1 Main Street"),
            (facts.Sequence, facts.Status, facts.PlacedAt, facts.TotalPrice, facts.Currency, facts.DeliveryAddress));
        Assert.Equal((delivered.Times.ReadyAt - delivered.Times.CookingStartedAt)!.Value.TotalMinutes, facts.CookingMinutes);
        Assert.Equal((delivered.Times.DeliveredAt - delivered.Times.OutForDeliveryAt)!.Value.TotalMinutes, facts.DeliveryMinutes);
        Assert.Equal([new StatisticsLine(roll.GetPrimaryKey(), "Roll", 2)], stored.OrderFacts[delivered.Id].Lines);
    }

    [Fact]
    public async Task Bought_together_counts_each_order_once_most_often_first()
    {
        var together = fixture.Grains.GetGrain<IBoughtTogetherGrain>(Guid.NewGuid());
        var (cola, fries) = (Guid.NewGuid(), Guid.NewGuid());
        var first = Guid.NewGuid();

        await together.AddOrderAsync(first, [cola, fries]);
        await together.AddOrderAsync(first, [cola, fries]);
        await together.AddOrderAsync(Guid.NewGuid(), [fries]);

        Assert.Equal([(fries, 2), (cola, 1)], (await together.GetTopAsync(10)).Select(c => (c.ProductId, c.Orders)));
        Assert.Single(await together.GetTopAsync(1));
    }
}
