namespace OrleansDelivery.Payments;

/// <summary>
/// The payment of one order (key: the order id), the single writer of its payment record. It talks to the payment
/// gateway but never calls the order grain: the order calls it (place, cancel, deliver) and whoever changed the
/// payment (the card and QR endpoints, the webhook, staff) hands the new <see cref="PaymentView"/> to
/// <c>IOrderGrain.PaymentChangedAsync</c>. Calls going one way only, the two grains can never wait on each other.
/// </summary>
public interface IPaymentGrain : IGrainWithGuidKey
{
    /// <summary>Opens the payment when the order is placed; a second call returns the payment as it is.</summary>
    Task<PaymentView> RequestAsync(PaymentRequest request);

    /// <summary>The payment, or null when the order never requested one.</summary>
    [ReadOnly]
    Task<PaymentView?> GetAsync();

    /// <summary>Charges a card through the gateway; allowed while the payment is Requested or Failed.</summary>
    Task<CardPaymentResult> PayByCardAsync(CardDetails card);

    /// <summary>The QR code's payload for the bank app; the same reference until a failure makes a new one necessary.</summary>
    Task<QrPaymentResult> RequestQrAsync();

    /// <summary>What the bank's signed webhook reported about a QR payment; a repeated notification changes nothing.</summary>
    Task<BankNotificationResult> ApplyBankNotificationAsync(BankNotification notification);

    /// <summary>
    /// The order was cancelled: a confirmed payment is refunded through the gateway, an open one is cancelled.
    /// Null when there is no payment.
    /// </summary>
    Task<PaymentView?> CancelAsync(string by);

    /// <summary>The courier took the cash or the POS payment at the door; repeated, it changes nothing.</summary>
    Task<PaymentChangeResult> ConfirmAtDoorAsync(string by);
}
