using System.Collections.Immutable;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansDelivery.Grains.Orders;
using OrleansDelivery.Orders;
using OrleansDelivery.Statistics;

namespace OrleansDelivery.Grains.Statistics;

/// <summary>
/// The single writer of one customer's statistics: a projection of the customer's orders stream (an implicit
/// subscription, so every order change activates it). When an order is first seen delivered, its products are
/// counted as bought together. It keeps a few facts per order (<see cref="StatisticsOrder"/>), not the order's view.
/// </summary>
[ImplicitStreamSubscription(OrderGrain.CustomerOrdersStreamNamespace)]
public sealed class CustomerStatisticsGrain([PersistentState("statistics")] IPersistentState<CustomerStatisticsState> statistics, TimeProvider time)
    : Grain, ICustomerStatisticsGrain, IStreamSubscriptionObserver, IAsyncObserver<OrderView>
{
    private const int TopProductCount = 5;

    // A projection that every step of every order of the customer changes: written behind, not on each event.
    private readonly WriteBehind _writeBehind = new();
    private const string DefaultCurrency = "EUR";
    private const string PickupPlace = "Pickup";

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind.Start(this, () => statistics.WriteStateAsync());
        if (statistics.State.Orders.Count > 0)
        {
            // A state stored with whole order views: keep only what the statistics read, written with the next flush.
            foreach (var (id, order) in statistics.State.Orders)
            {
                statistics.State.OrderFacts.TryAdd(id, StatisticsOrder.From(order));
            }

            statistics.State.Orders.Clear();
            _writeBehind.MarkDirty();
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await _writeBehind.FlushAsync();

    public Task<OrderStatistics> GetAsync(StatisticsPeriod period)
    {
        var to = time.GetUtcNow();
        DateTimeOffset? from = period switch
        {
            StatisticsPeriod.All => null,
            StatisticsPeriod.Day => to.AddDays(-1),
            StatisticsPeriod.Week => to.AddDays(-7),
            StatisticsPeriod.Month => to.AddMonths(-1),
            StatisticsPeriod.Year => to.AddYears(-1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown period."),
        };
        var inPeriod = statistics.State.OrderFacts.Values.Where(o => (from is null || o.PlacedAt >= from) && o.PlacedAt <= to).ToList();
        var delivered = inPeriod.Where(o => o.Status == OrderStatus.Delivered).ToList();
        var totalSpent = delivered.Sum(o => o.TotalPrice);
        return Task.FromResult(new OrderStatistics(
            period,
            from,
            to,
            delivered.Count,
            totalSpent,
            delivered.FirstOrDefault()?.Currency ?? inPeriod.FirstOrDefault()?.Currency ?? DefaultCurrency,
            delivered.Sum(o => o.Lines.Sum(line => line.Quantity)),
            delivered.Count == 0 ? 0 : Math.Round(totalSpent / delivered.Count, 2),
            [.. Quantities(delivered).Take(TopProductCount)],
            [.. delivered
                .GroupBy(o => o.DeliveryAddress ?? PickupPlace, StringComparer.OrdinalIgnoreCase)
                .Select(places => new DeliveryPlace(places.First().DeliveryAddress ?? PickupPlace, places.Count()))
                .OrderByDescending(place => place.Count)
                .ThenBy(place => place.Address, StringComparer.OrdinalIgnoreCase)],
            AverageMinutes(delivered, o => o.CookingMinutes),
            AverageMinutes(delivered, o => o.DeliveryMinutes),
            inPeriod.Count(o => o.Status == OrderStatus.Cancelled),
            inPeriod.Count(o => o.Status is not (OrderStatus.Delivered or OrderStatus.Cancelled))));
    }

    public Task<IReadOnlyList<ProductQuantity>> GetOrderedProductsAsync() =>
        Task.FromResult<IReadOnlyList<ProductQuantity>>(Quantities(statistics.State.OrderFacts.Values.Where(o => o.Status != OrderStatus.Cancelled)));

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderView>().ResumeAsync(this);

    public async Task OnNextAsync(OrderView item, StreamSequenceToken? token = null)
    {
        // Events arrive twice (durable streams deliver at least once) or late: the order's gap-free sequence, which
        // its grain stamps on each change, says which view is newest, and one already applied changes nothing.
        statistics.State.OrderFacts.TryGetValue(item.Id, out var known);
        if (known is not null && known.Sequence >= item.StatusHistory[^1].Sequence)
        {
            return;
        }

        // Before the write: if counting fails, the event is not yet taken in and a redelivery counts again, which
        // the bought-together grains ignore per order.
        if (item.Status == OrderStatus.Delivered && known?.Status != OrderStatus.Delivered)
        {
            await CountBoughtTogetherAsync(item);
        }

        statistics.State.OrderFacts[item.Id] = StatisticsOrder.From(item);
        _writeBehind.MarkDirty();
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private async Task CountBoughtTogetherAsync(OrderView order)
    {
        var products = order.Lines.Select(line => line.ProductId).Distinct().ToImmutableArray();
        if (products.Length < 2)
        {
            return;
        }

        await Task.WhenAll(products.Select(product =>
            GrainFactory.GetGrain<IBoughtTogetherGrain>(product).AddOrderAsync(order.Id, products.Remove(product))));
    }

    private static List<ProductQuantity> Quantities(IEnumerable<StatisticsOrder> orders) =>
        [.. orders
            .SelectMany(o => o.Lines)
            .GroupBy(line => line.ProductId)
            .Select(lines => new ProductQuantity(lines.Key, lines.Last().Name, lines.Sum(line => line.Quantity)))
            .OrderByDescending(product => product.Quantity)
            .ThenBy(product => product.Name, StringComparer.OrdinalIgnoreCase)];

    private static double? AverageMinutes(List<StatisticsOrder> orders, Func<StatisticsOrder, double?> duration)
    {
        var minutes = orders.Select(duration).OfType<double>().ToList();
        return minutes.Count == 0 ? null : Math.Round(minutes.Average(), 1);
    }
}
