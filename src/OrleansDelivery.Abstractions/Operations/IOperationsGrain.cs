using System.Collections.Immutable;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Operations;

/// <summary>
/// The business view of the service for staff and operators: a projection of the all-orders stream, counted as
/// events arrive, never by reading orders. "Today" is the UTC day.
/// </summary>
public interface IOperationsGrain : IGrainWithStringKey
{
    /// <summary>The one view of the service.</summary>
    const string Key = "all";

    /// <summary>How many of the slowest orders in progress the view lists.</summary>
    const int SlowestShown = 5;

    /// <summary>How many minutes of orders per minute the view keeps.</summary>
    const int MinutesShown = 15;

    [ReadOnly]
    Task<OperationsSnapshot> GetAsync();
}

[GenerateSerializer, Immutable, Alias("od.operations-snapshot")]
public sealed record OperationsSnapshot(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] ImmutableDictionary<OrderStatus, int> OrdersByStatus,
    [property: Id(2)] ImmutableArray<int> OrdersPerMinute,
    [property: Id(3)] int PlacedToday,
    [property: Id(4)] ImmutableDictionary<string, decimal> RevenueToday,
    [property: Id(5)] TimeSpan? AverageCooking,
    [property: Id(6)] int CookingSamples,
    [property: Id(7)] TimeSpan? AverageDelivery,
    [property: Id(8)] int DeliverySamples,
    [property: Id(9)] int PaymentFailuresToday,
    [property: Id(10)] ImmutableArray<PaymentFailureEntry> RecentPaymentFailures,
    [property: Id(11)] ImmutableArray<SlowOrderEntry> SlowestInProgress);

[GenerateSerializer, Immutable, Alias("od.operations-payment-failure")]
public sealed record PaymentFailureEntry(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] string Number,
    [property: Id(2)] PaymentType PaymentType,
    [property: Id(3)] string? Reason,
    [property: Id(4)] DateTimeOffset At);

[GenerateSerializer, Immutable, Alias("od.operations-slow-order")]
public sealed record SlowOrderEntry(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] string Number,
    [property: Id(2)] OrderStatus Status,
    [property: Id(3)] DateTimeOffset PlacedAt,
    [property: Id(4)] DateTimeOffset? ExpectedDeliveryAt);
