using OrleansDelivery.Host.Payments;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Orders;

public sealed record CheckoutRequest(
    DeliveryMethod? DeliveryMethod,
    string? DeliveryAddress,
    string? ContactName,
    string? ContactPhone,
    PaymentType? PaymentType,
    string? SpecialRequests,
    DateTimeOffset? DesiredTime);

public sealed record CancelOrderRequest(string? Reason);

public sealed record StatusChangeResponse(long Sequence, OrderStatus Status, DateTimeOffset At, string By);

public sealed record OrderLineResponse(Guid ProductId, string Name, decimal UnitPrice, int Quantity, decimal LineTotal, string? Note);

public sealed record DeliveryResponse(DeliveryMethod Method, string? Address, string ContactName, string ContactPhone);

public sealed record OrderResponse(
    Guid Id,
    string Number,
    OrderStatus Status,
    IReadOnlyList<StatusChangeResponse> StatusHistory,
    IReadOnlyList<OrderLineResponse> Lines,
    decimal ProductsPrice,
    decimal DeliveryPrice,
    decimal TotalPrice,
    string Currency,
    DeliveryResponse Delivery,
    PaymentResponse Payment,
    string? SpecialRequests,
    DateTimeOffset? DesiredTime,
    OrderTimes Times,
    bool CouldBeCancelled,
    string? CancellationReason,
    OrderRatingResponse? Rating);

public sealed record OrderRatingResponse(int Stars, string? Comment, DateTimeOffset At);

internal static class OrderMapping
{
    public static OrderResponse ToResponse(this OrderView order) => new(
        order.Id,
        order.Number,
        order.Status,
        order.StatusHistory.Select(change => new StatusChangeResponse(change.Sequence, change.Status, change.At, change.By)).ToList(),
        order.Lines.Select(line => new OrderLineResponse(line.ProductId, line.Name, line.UnitPrice, line.Quantity, line.LineTotal, line.Note)).ToList(),
        order.ProductsPrice,
        order.DeliveryPrice,
        order.TotalPrice,
        order.Currency,
        new DeliveryResponse(order.Delivery.Method, order.Delivery.Address, order.Delivery.ContactName, order.Delivery.ContactPhone),
        order.ToPaymentResponse(),
        order.SpecialRequests,
        order.DesiredTime,
        order.Times,
        order.CouldBeCancelled,
        order.CancellationReason,
        order.Rating is { } rating ? new OrderRatingResponse(rating.Stars, rating.Comment, rating.At) : null);
}
