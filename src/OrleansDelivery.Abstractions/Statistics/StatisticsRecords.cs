using System.Collections.Immutable;

namespace OrleansDelivery.Statistics;

/// <summary>How far back statistics look from now.</summary>
public enum StatisticsPeriod
{
    All,
    Day,
    Week,
    Month,
    Year,
}

[GenerateSerializer, Immutable, Alias("od.product-quantity")]
public sealed record ProductQuantity(
    [property: Id(0)] Guid ProductId,
    [property: Id(1)] string Name,
    [property: Id(2)] int Quantity);

[GenerateSerializer, Immutable, Alias("od.delivery-place")]
public sealed record DeliveryPlace([property: Id(0)] string Address, [property: Id(1)] int Count);

/// <summary>
/// One customer's orders placed within a period. Money, items, products and places count delivered orders only:
/// a cancelled order was never paid for, and one in progress may still be cancelled.
/// </summary>
[GenerateSerializer, Immutable, Alias("od.order-statistics")]
public sealed record OrderStatistics(
    [property: Id(0)] StatisticsPeriod Period,
    [property: Id(1)] DateTimeOffset? From,
    [property: Id(2)] DateTimeOffset To,
    [property: Id(3)] int OrderCount,
    [property: Id(4)] decimal TotalSpent,
    [property: Id(5)] string Currency,
    [property: Id(6)] int ItemCount,
    [property: Id(7)] decimal AverageOrder,
    [property: Id(8)] ImmutableArray<ProductQuantity> TopProducts,
    [property: Id(9)] ImmutableArray<DeliveryPlace> DeliveryPlaces,
    [property: Id(10)] double? AverageCookingMinutes,
    [property: Id(11)] double? AverageDeliveryMinutes,
    [property: Id(12)] int CancelledCount,
    [property: Id(13)] int InProgressCount);

/// <summary>How often another product was in the same delivered order as this one.</summary>
[GenerateSerializer, Immutable, Alias("od.bought-together-count")]
public sealed record BoughtTogetherCount([property: Id(0)] Guid ProductId, [property: Id(1)] int Orders);
