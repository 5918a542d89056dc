using System.Collections.Immutable;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Board;

/// <summary>
/// The staff's order board: every order by status, a projection of the all-orders stream. Active orders stay on it;
/// delivered and cancelled ones stay for a day so staff can look back.
/// </summary>
public interface IOrderBoardGrain : IGrainWithStringKey
{
    /// <summary>The one board of the service.</summary>
    const string Key = "all";

    /// <summary>Orders with this status (or every order), oldest first, a page at a time, with the count per status.</summary>
    [ReadOnly]
    Task<OrderBoardPage> GetAsync(OrderStatus? status, int page, int pageSize);
}

[GenerateSerializer, Immutable, Alias("od.order-board-entry")]
public sealed record OrderBoardEntry(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] string Number,
    [property: Id(2)] Guid CustomerId,
    [property: Id(3)] OrderStatus Status,
    [property: Id(4)] long Sequence,
    [property: Id(5)] DateTimeOffset PlacedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt,
    [property: Id(7)] DeliveryMethod DeliveryMethod,
    [property: Id(8)] string? DeliveryAddress,
    [property: Id(9)] PaymentType PaymentType,
    [property: Id(10)] int ItemCount,
    [property: Id(11)] decimal TotalPrice,
    [property: Id(12)] string Currency,
    [property: Id(13)] DateTimeOffset? ExpectedCookingEndAt,
    [property: Id(14)] DateTimeOffset? ExpectedDeliveryAt);

[GenerateSerializer, Immutable, Alias("od.order-board-page")]
public sealed record OrderBoardPage(
    [property: Id(0)] ImmutableArray<OrderBoardEntry> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] ImmutableDictionary<OrderStatus, int> CountByStatus);
