namespace OrleansDelivery.Orders;

/// <summary>Where an order is in its life; see the state machine in <see cref="OrderTransitions"/>.</summary>
public enum OrderStatus
{
    Placed,
    AwaitingPayment,
    PaymentFailed,
    Confirmed,
    Cooking,
    ReadyForDelivery,
    OutForDelivery,
    Delivered,
    Cancelled,
}

public enum DeliveryMethod
{
    Pickup,
    OnFoot,
    ElectricScooter,
    Car,
}

public enum PaymentType
{
    CashOnDelivery,
    PosOnDelivery,
    QrCode,
    Card,
}
