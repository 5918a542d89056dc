using System.Collections.Immutable;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Statistics;

[GenerateSerializer, Alias("od.customer-statistics-state")]
public sealed record CustomerStatisticsState
{
    /// <summary>What the statistics need of each of the customer's orders, as of the newest step the stream delivered.</summary>
    [Id(1)]
    public Dictionary<Guid, StatisticsOrder> OrderFacts { get; init; } = [];

    /// <summary>
    /// Written before <see cref="OrderFacts"/>: the whole view of each order, about five times the size, rewritten
    /// behind every change. Read only to carry a stored state over, then emptied.
    /// </summary>
    [Id(0)]
    public Dictionary<Guid, OrderView> Orders { get; init; } = [];
}

/// <summary>One order as the customer's statistics count it: its step, totals, lines, place and durations.</summary>
[GenerateSerializer, Immutable, Alias("od.statistics-order")]
public sealed record StatisticsOrder(
    [property: Id(0)] long Sequence,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] DateTimeOffset PlacedAt,
    [property: Id(3)] decimal TotalPrice,
    [property: Id(4)] string Currency,
    [property: Id(5)] ImmutableArray<StatisticsLine> Lines,
    [property: Id(6)] string? DeliveryAddress,
    [property: Id(7)] double? CookingMinutes,
    [property: Id(8)] double? DeliveryMinutes)
{
    public static StatisticsOrder From(OrderView order) => new(
        order.StatusHistory[^1].Sequence,
        order.Status,
        order.Times.PlacedAt,
        order.TotalPrice,
        order.Currency,
        [.. order.Lines.Select(line => new StatisticsLine(line.ProductId, line.Name, line.Quantity))],
        order.Delivery.Address?.Trim(),
        Minutes(order.Times.CookingStartedAt, order.Times.ReadyAt),
        Minutes(order.Times.OutForDeliveryAt, order.Times.DeliveredAt));

    private static double? Minutes(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } from && end is { } to ? (to - from).TotalMinutes : null;
}

[GenerateSerializer, Immutable, Alias("od.statistics-line")]
public sealed record StatisticsLine(
    [property: Id(0)] Guid ProductId,
    [property: Id(1)] string Name,
    [property: Id(2)] int Quantity);
