using OrleansDelivery.Catalog;

namespace OrleansDelivery.Grains.Catalog;

[GenerateSerializer, Alias("od.product-state")]
public sealed record ProductState
{
    [Id(0)]
    public ProductDefinition? Definition { get; init; }

    /// <summary>Units in the warehouse, reserved ones included.</summary>
    [Id(1)]
    public int OnHand { get; init; }

    /// <summary>Units set aside, by reservation (an order's id).</summary>
    [Id(2)]
    public Dictionary<Guid, int> Reservations { get; init; } = [];

    [Id(3)]
    public decimal RatingSum { get; init; }

    [Id(4)]
    public int RatingCount { get; init; }

    /// <summary>Moves on with every change, so the catalogue projection can drop a stale event.</summary>
    [Id(5)]
    public long Version { get; init; }

    /// <summary>The orders whose rating is in the sum, so a repeated rating counts once.</summary>
    [Id(6)]
    public HashSet<Guid> RatedOrders { get; init; } = [];

    /// <summary>
    /// When each reservation was taken, so one its order never followed up (a checkout cut off by a failover and not
    /// retried) is settled with the order after <see cref="StockOptions.CheckReservationsAfter"/>. Reservations kept
    /// before this was recorded have no entry and are checked at once.
    /// </summary>
    [Id(7)]
    public Dictionary<Guid, DateTimeOffset> ReservedAt { get; init; } = [];

    public int Available => OnHand - Reservations.Values.Sum();
}
