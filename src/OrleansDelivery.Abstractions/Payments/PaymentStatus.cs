namespace OrleansDelivery.Payments;

/// <summary>
/// Where a payment is: Requested (waiting for the customer, or for the courier on cash and POS), Processing (a card
/// charge is at the gateway), Confirmed, Failed (declined; the customer may try again), Refunded (confirmed, then
/// the order was cancelled), Cancelled (the order was cancelled before it was paid).
/// </summary>
public enum PaymentStatus
{
    Requested,
    Processing,
    Confirmed,
    Failed,
    Refunded,
    Cancelled,
}
