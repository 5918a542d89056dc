using System.Text.RegularExpressions;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Payments;

/// <summary>What the order asks to be paid when it is placed.</summary>
[GenerateSerializer, Immutable, Alias("od.payment-request")]
public sealed record PaymentRequest(
    [property: Id(0)] PaymentType Type,
    [property: Id(1)] decimal Amount,
    [property: Id(2)] string Currency);

/// <summary>
/// A card as the customer typed it, on its way to the gateway. It is never stored or logged: <see cref="ToString"/>
/// shows the last four digits only, so a stray log line or exception message cannot leak the number or the CVC.
/// </summary>
[GenerateSerializer, Immutable, Alias("od.card-details")]
public sealed record CardDetails(
    [property: Id(0)] string Number,
    [property: Id(1)] int ExpiryMonth,
    [property: Id(2)] int ExpiryYear,
    [property: Id(3)] string Cvc,
    [property: Id(4)] string Holder)
{
    /// <summary>The digits of the number, without the spaces people type.</summary>
    public string Digits => Number.Replace(" ", "", StringComparison.Ordinal);

    public string Last4 => Digits.Length >= 4 ? Digits[^4..] : Digits;

    public override string ToString() => $"Card ending {Last4}";
}

[GenerateSerializer, Immutable, Alias("od.payment-times")]
public sealed record PaymentTimes
{
    [Id(0)] public DateTimeOffset RequestedAt { get; init; }
    [Id(1)] public DateTimeOffset? ProcessingAt { get; init; }
    [Id(2)] public DateTimeOffset? ConfirmedAt { get; init; }
    [Id(3)] public DateTimeOffset? FailedAt { get; init; }
    [Id(4)] public DateTimeOffset? RefundedAt { get; init; }
    [Id(5)] public DateTimeOffset? CancelledAt { get; init; }
}

/// <summary>
/// The payment as others see it: never a card number or CVC, only brand and last four digits. <see cref="Version"/>
/// grows with every change, so the order keeps the newest view when two arrive out of order.
/// </summary>
[GenerateSerializer, Immutable, Alias("od.payment-view")]
public sealed record PaymentView(
    [property: Id(0)] Guid OrderId,
    [property: Id(1)] PaymentType Type,
    [property: Id(2)] PaymentStatus Status,
    [property: Id(3)] decimal Amount,
    [property: Id(4)] string Currency,
    [property: Id(5)] string? GatewayReference,
    [property: Id(6)] string? CardBrand,
    [property: Id(7)] string? CardLast4,
    [property: Id(8)] int Attempts,
    [property: Id(9)] string? FailureReason,
    [property: Id(10)] string? ConfirmedBy,
    [property: Id(11)] string? RefundReference,
    [property: Id(12)] PaymentTimes Times,
    [property: Id(13)] long Version);

/// <summary>What the bank's webhook says about a QR payment.</summary>
[GenerateSerializer, Immutable, Alias("od.bank-notification")]
public sealed record BankNotification(
    [property: Id(0)] string Reference,
    [property: Id(1)] bool Confirmed,
    [property: Id(2)] decimal Amount,
    [property: Id(3)] string Currency);

/// <summary>The answer to a card payment. A refusal or a decline is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.card-payment-result")]
public abstract record CardPaymentResult
{
    [GenerateSerializer, Immutable, Alias("od.card-payment-result.approved")]
    public sealed record Approved([property: Id(0)] PaymentView Payment) : CardPaymentResult;

    [GenerateSerializer, Immutable, Alias("od.card-payment-result.declined")]
    public sealed record Declined([property: Id(0)] PaymentView Payment, [property: Id(1)] string Reason) : CardPaymentResult;

    /// <summary>The gateway failed to answer; nothing was charged and the customer may try again.</summary>
    [GenerateSerializer, Immutable, Alias("od.card-payment-result.gateway-failed")]
    public sealed record GatewayFailed([property: Id(0)] PaymentView Payment, [property: Id(1)] string Reason) : CardPaymentResult;

    [GenerateSerializer, Immutable, Alias("od.card-payment-result.refused")]
    public sealed record Refused([property: Id(0)] string Reason) : CardPaymentResult;
}

[GenerateSerializer, Immutable, Alias("od.qr-payment-result")]
public abstract record QrPaymentResult
{
    [GenerateSerializer, Immutable, Alias("od.qr-payment-result.issued")]
    public sealed record Issued([property: Id(0)] PaymentView Payment, [property: Id(1)] string Payload, [property: Id(2)] DateTimeOffset ExpiresAt) : QrPaymentResult;

    [GenerateSerializer, Immutable, Alias("od.qr-payment-result.refused")]
    public sealed record Refused([property: Id(0)] string Reason) : QrPaymentResult;
}

[GenerateSerializer, Immutable, Alias("od.bank-notification-result")]
public abstract record BankNotificationResult
{
    /// <summary>Taken into account; <see cref="Repeated"/> when an earlier notification had already said so.</summary>
    [GenerateSerializer, Immutable, Alias("od.bank-notification-result.applied")]
    public sealed record Applied([property: Id(0)] PaymentView Payment, [property: Id(1)] bool Repeated) : BankNotificationResult;

    [GenerateSerializer, Immutable, Alias("od.bank-notification-result.unknown-reference")]
    public sealed record UnknownReference : BankNotificationResult;

    [GenerateSerializer, Immutable, Alias("od.bank-notification-result.amount-mismatch")]
    public sealed record AmountMismatch([property: Id(0)] decimal Expected, [property: Id(1)] string Currency) : BankNotificationResult;

    [GenerateSerializer, Immutable, Alias("od.bank-notification-result.refused")]
    public sealed record Refused([property: Id(0)] string Reason) : BankNotificationResult;
}

[GenerateSerializer, Immutable, Alias("od.payment-change-result")]
public abstract record PaymentChangeResult
{
    [GenerateSerializer, Immutable, Alias("od.payment-change-result.changed")]
    public sealed record Changed([property: Id(0)] PaymentView Payment) : PaymentChangeResult;

    [GenerateSerializer, Immutable, Alias("od.payment-change-result.refused")]
    public sealed record Refused([property: Id(0)] string Reason) : PaymentChangeResult;
}

/// <summary>
/// The references a QR payment carries and the bank echoes: "OD-{order id, 32 hex digits}-{attempt}", so the
/// webhook finds the payment without an index.
/// </summary>
public static partial class PaymentReferences
{
    public static string Create(Guid orderId, int attempt) => $"OD-{orderId:N}-{attempt}";

    public static bool TryParseOrderId(string? reference, out Guid orderId)
    {
        orderId = Guid.Empty;
        return reference is not null && Shape().Match(reference) is { Success: true } match && Guid.TryParseExact(match.Groups["order"].Value, "N", out orderId);
    }

    [GeneratedRegex("^OD-(?<order>[0-9a-f]{32})-[0-9]{1,9}$")]
    private static partial Regex Shape();
}
