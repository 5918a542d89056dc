using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Tracking;

/// <summary>One step of an order as a tracking client sees it; <c>Sequence</c> is gap-free per order.</summary>
public sealed record OrderUpdate(
    Guid OrderId,
    long Sequence,
    OrderStatus Status,
    DateTimeOffset At,
    DateTimeOffset? ExpectedCookingEndAt,
    DateTimeOffset? ExpectedDeliveryAt);

/// <summary>A notification pushed to the customer it is for.</summary>
public sealed record NotificationMessage(Guid Id, string Title, string Body, DateTimeOffset At);

/// <summary>What the server calls on a tracking client.</summary>
public interface IOrderTrackingClient
{
    Task OrderUpdated(OrderUpdate update);

    Task Notification(NotificationMessage notification);
}

internal static class OrderUpdates
{
    /// <summary>The steps of an order after <paramref name="afterSequence"/>, oldest first, with its current expected times.</summary>
    public static IReadOnlyList<OrderUpdate> After(this OrderView order, long afterSequence) =>
        [.. order.StatusHistory
            .Where(change => change.Sequence > afterSequence)
            .Select(change => new OrderUpdate(order.Id, change.Sequence, change.Status, change.At, order.Times.ExpectedCookingEndAt, order.Times.ExpectedDeliveryAt))];
}
