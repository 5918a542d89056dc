using System.Collections.Immutable;
using OrleansDelivery.Payments;
using OrleansDelivery.Ratings;

namespace OrleansDelivery.Orders;

[GenerateSerializer, Immutable, Alias("od.order-line")]
public sealed record OrderLine(
    [property: Id(0)] Guid ProductId,
    [property: Id(1)] string Name,
    [property: Id(2)] decimal UnitPrice,
    [property: Id(3)] int Quantity,
    [property: Id(4)] string? Note)
{
    public decimal LineTotal => UnitPrice * Quantity;
}

[GenerateSerializer, Immutable, Alias("od.delivery-details")]
public sealed record DeliveryDetails(
    [property: Id(0)] DeliveryMethod Method,
    [property: Id(1)] string? Address,
    [property: Id(2)] string ContactName,
    [property: Id(3)] string ContactPhone);

/// <summary>Everything an order is placed with: the cart's lines at checkout prices and how to deliver and pay.</summary>
[GenerateSerializer, Immutable, Alias("od.place-order")]
public sealed record PlaceOrder(
    [property: Id(0)] Guid CustomerId,
    [property: Id(1)] string Number,
    [property: Id(2)] ImmutableArray<OrderLine> Lines,
    [property: Id(3)] DeliveryDetails Delivery,
    [property: Id(4)] PaymentType PaymentType,
    [property: Id(5)] string? SpecialRequests,
    [property: Id(6)] DateTimeOffset? DesiredTime,
    [property: Id(7)] string Currency,
    [property: Id(8)] long CartVersion = 0);

[GenerateSerializer, Immutable, Alias("od.order-status-change")]
public sealed record OrderStatusChange(
    [property: Id(0)] long Sequence,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string By);

[GenerateSerializer, Immutable, Alias("od.order-times")]
public sealed record OrderTimes
{
    [Id(0)] public DateTimeOffset PlacedAt { get; init; }
    [Id(1)] public DateTimeOffset? PaidAt { get; init; }
    [Id(2)] public DateTimeOffset? CookingStartedAt { get; init; }
    [Id(3)] public DateTimeOffset? ReadyAt { get; init; }
    [Id(4)] public DateTimeOffset? OutForDeliveryAt { get; init; }
    [Id(5)] public DateTimeOffset? DeliveredAt { get; init; }
    [Id(6)] public DateTimeOffset? CancelledAt { get; init; }
    [Id(7)] public DateTimeOffset? ExpectedCookingEndAt { get; init; }
    [Id(8)] public DateTimeOffset? ExpectedDeliveryAt { get; init; }
}

[GenerateSerializer, Immutable, Alias("od.order-view")]
public sealed record OrderView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Number,
    [property: Id(2)] Guid CustomerId,
    [property: Id(3)] OrderStatus Status,
    [property: Id(4)] ImmutableArray<OrderStatusChange> StatusHistory,
    [property: Id(5)] ImmutableArray<OrderLine> Lines,
    [property: Id(6)] decimal ProductsPrice,
    [property: Id(7)] decimal DeliveryPrice,
    [property: Id(8)] string Currency,
    [property: Id(9)] DeliveryDetails Delivery,
    [property: Id(10)] PaymentType PaymentType,
    [property: Id(11)] string? SpecialRequests,
    [property: Id(12)] DateTimeOffset? DesiredTime,
    [property: Id(13)] OrderTimes Times,
    [property: Id(14)] string? CancellationReason,
    [property: Id(15)] PaymentView? Payment = null,
    [property: Id(16)] OrderRating? Rating = null,
    [property: Id(17)] long CartVersion = 0)
{
    public decimal TotalPrice => ProductsPrice + DeliveryPrice;

    public bool CouldBeCancelled => OrderTransitions.CouldBeCancelled(Status);
}

/// <summary>The answer to placing an order. A refusal is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.place-result")]
public abstract record PlaceResult
{
    [GenerateSerializer, Immutable, Alias("od.place-result.placed")]
    public sealed record Placed([property: Id(0)] OrderView Order) : PlaceResult;

    [GenerateSerializer, Immutable, Alias("od.place-result.out-of-stock")]
    public sealed record OutOfStock([property: Id(0)] string ProductName, [property: Id(1)] int Available) : PlaceResult;

    [GenerateSerializer, Immutable, Alias("od.place-result.not-for-sale")]
    public sealed record NotForSale([property: Id(0)] Guid ProductId) : PlaceResult;
}

/// <summary>The answer to a status change or a cancel: the order as it is now, or why the change was refused.</summary>
[GenerateSerializer, Immutable, Alias("od.transition-result")]
public abstract record TransitionResult
{
    [GenerateSerializer, Immutable, Alias("od.transition-result.changed")]
    public sealed record Changed([property: Id(0)] OrderView Order) : TransitionResult;

    [GenerateSerializer, Immutable, Alias("od.transition-result.refused")]
    public sealed record Refused([property: Id(0)] string Reason) : TransitionResult;
}
