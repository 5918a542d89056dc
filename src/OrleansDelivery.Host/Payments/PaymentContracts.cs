using OrleansDelivery.Orders;
using OrleansDelivery.Payments;

namespace OrleansDelivery.Host.Payments;

public sealed record CardRequest(string? Number, int? ExpiryMonth, int? ExpiryYear, string? Cvc, string? Holder);

public sealed record PayByCardRequest(CardRequest? Card);

public sealed record QrPaymentResponse(string QrPayload, string PngBase64, DateTimeOffset ExpiresAt);

/// <summary>The bank's JSON: <c>{ reference, status: "Confirmed" | "Failed", amount, currency }</c>.</summary>
public sealed record BankWebhookRequest(string? Reference, string? Status, decimal? Amount, string? Currency);

public sealed record BankWebhookResponse(string Reference, PaymentStatus PaymentStatus, bool Repeated);

/// <summary>The payment part of an order: never the card number or CVC, only brand and last four digits.</summary>
public sealed record PaymentResponse(
    PaymentType Type,
    PaymentStatus Status,
    decimal? Amount = null,
    string? Currency = null,
    string? CardBrand = null,
    string? CardLast4 = null,
    string? Reference = null,
    int Attempts = 0,
    string? FailureReason = null,
    PaymentTimes? Times = null);

internal static class PaymentMapping
{
    public static PaymentResponse ToPaymentResponse(this OrderView order) => order.Payment is { } payment
        ? new PaymentResponse(
            payment.Type,
            payment.Status,
            payment.Amount,
            payment.Currency,
            payment.CardBrand,
            payment.CardLast4,
            payment.GatewayReference,
            payment.Attempts,
            payment.FailureReason,
            payment.Times)
        // Orders placed before payments had their own record: they were never asked to pay.
        : new PaymentResponse(order.PaymentType, order.Status == OrderStatus.Cancelled ? PaymentStatus.Cancelled : PaymentStatus.Requested);
}
