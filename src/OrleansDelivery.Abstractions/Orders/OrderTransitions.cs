namespace OrleansDelivery.Orders;

/// <summary>
/// The order state machine: Placed → (prepaid) AwaitingPayment ⇄ PaymentFailed, → Confirmed → Cooking →
/// ReadyForDelivery → OutForDelivery → Delivered; Placed goes straight to Confirmed for cash and POS;
/// Cancelled from Placed, AwaitingPayment, PaymentFailed or Confirmed.
/// </summary>
public static class OrderTransitions
{
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Allowed = new()
    {
        [OrderStatus.Placed] = [OrderStatus.AwaitingPayment, OrderStatus.Confirmed, OrderStatus.Cancelled],
        [OrderStatus.AwaitingPayment] = [OrderStatus.Confirmed, OrderStatus.PaymentFailed, OrderStatus.Cancelled],
        [OrderStatus.PaymentFailed] = [OrderStatus.AwaitingPayment, OrderStatus.Cancelled],
        [OrderStatus.Confirmed] = [OrderStatus.Cooking, OrderStatus.Cancelled],
        [OrderStatus.Cooking] = [OrderStatus.ReadyForDelivery],
        [OrderStatus.ReadyForDelivery] = [OrderStatus.OutForDelivery],
        [OrderStatus.OutForDelivery] = [OrderStatus.Delivered],
        [OrderStatus.Delivered] = [],
        [OrderStatus.Cancelled] = [],
    };

    public static bool IsAllowed(OrderStatus from, OrderStatus to) => Allowed[from].Contains(to);

    public static bool CouldBeCancelled(OrderStatus status) => IsAllowed(status, OrderStatus.Cancelled);

    /// <summary>Why an order in <paramref name="status"/> cannot be cancelled, in words a customer reads.</summary>
    public static string WhyNotCancellable(OrderStatus status) => status switch
    {
        OrderStatus.Cancelled => "Order is already cancelled",
        OrderStatus.Cooking or OrderStatus.ReadyForDelivery => "The order cannot be cancelled because it is already being cooked",
        OrderStatus.OutForDelivery => "The order cannot be cancelled because it is already in delivery",
        OrderStatus.Delivered => "The order cannot be cancelled because it is already delivered",
        _ => $"The order cannot be cancelled while it is {status}",
    };

    /// <summary>What the delivery method costs and how long it takes, before measurements refine it.</summary>
    public static (decimal Price, TimeSpan Duration) Delivery(DeliveryMethod method) => method switch
    {
        DeliveryMethod.Pickup => (0m, TimeSpan.Zero),
        DeliveryMethod.OnFoot => (2.50m, TimeSpan.FromMinutes(30)),
        DeliveryMethod.ElectricScooter => (3.50m, TimeSpan.FromMinutes(20)),
        DeliveryMethod.Car => (4.90m, TimeSpan.FromMinutes(25)),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown delivery method."),
    };

    public static readonly TimeSpan DefaultPreparation = TimeSpan.FromMinutes(25);

    public static bool IsPrepaid(PaymentType type) => type is PaymentType.Card or PaymentType.QrCode;
}
