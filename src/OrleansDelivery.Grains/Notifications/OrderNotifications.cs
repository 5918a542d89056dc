using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansDelivery.Notifications;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Notifications;

/// <summary>What a customer is told about a step of their order, in words they read.</summary>
public static class OrderNotifications
{
    /// <summary>
    /// The notification for one status change of the order, or null for a step not worth a message (a cash order is
    /// confirmed the moment it is placed, so "placed" says it all).
    /// </summary>
    public static Notification? For(OrderView order, OrderStatusChange change)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(change);
        var number = order.Number;
        var total = Money(order.TotalPrice, order.Currency);
        (NotificationKind Kind, string Title, string Body)? message = change.Status switch
        {
            OrderStatus.Placed => (NotificationKind.OrderPlaced, $"Order {number} placed",
                $"We have your order of {order.Lines.Sum(line => line.Quantity)} item(s) for {total}."),
            OrderStatus.AwaitingPayment => (NotificationKind.PaymentRequested, $"Payment requested for order {number}",
                $"Please pay {total} by {(order.PaymentType == PaymentType.QrCode ? "QR code" : "card")}; the kitchen starts once it is paid."),
            OrderStatus.PaymentFailed => (NotificationKind.PaymentFailed, $"Payment failed for order {number}",
                "The payment did not go through. You can try again or cancel the order."),
            OrderStatus.Confirmed when OrderTransitions.IsPrepaid(order.PaymentType) => (NotificationKind.PaymentConfirmed, $"Payment confirmed for order {number}",
                $"We received {total}. The kitchen will start on your order soon."),
            OrderStatus.Confirmed => null,
            OrderStatus.Cooking => (NotificationKind.Cooking, $"Order {number} is being cooked", "The kitchen has started on your order."),
            OrderStatus.ReadyForDelivery => (NotificationKind.ReadyForDelivery, $"Order {number} is ready",
                order.Delivery.Method == DeliveryMethod.Pickup ? "Your order is ready to be picked up." : "Your order is ready and waits for its courier."),
            OrderStatus.OutForDelivery => (NotificationKind.OutForDelivery, $"Order {number} is on its way", "The courier has your order and is on the way to you."),
            OrderStatus.Delivered => (NotificationKind.Delivered, $"Order {number} delivered",
                "Enjoy your meal! How was it? Rate your order to tell us and other customers."),
            OrderStatus.Cancelled => (NotificationKind.Cancelled, $"Order {number} cancelled",
                order.CancellationReason is { } reason ? $"Your order was cancelled: {reason}" : "Your order was cancelled."),
            _ => null,
        };
        return message is { } m ? new Notification(IdOf(order.Id, change.Sequence), m.Kind, m.Title, m.Body, order.Id, change.At, Read: false) : null;
    }

    /// <summary>
    /// The notification id of an order's step: the same for every delivery of the same event, so the inbox and the
    /// outbox can tell a repeat from a new one.
    /// </summary>
    public static Guid IdOf(Guid orderId, long sequence) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"orleans-delivery/order-notification/{orderId:N}/{sequence}")).AsSpan(0, 16));

    private static string Money(decimal amount, string currency) => $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";
}
