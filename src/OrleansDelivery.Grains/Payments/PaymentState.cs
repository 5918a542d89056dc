using OrleansDelivery.Orders;
using OrleansDelivery.Payments;

namespace OrleansDelivery.Grains.Payments;

/// <summary>One order's payment record. It holds a card's brand and last four digits, never its number or CVC.</summary>
[GenerateSerializer, Alias("od.payment-state")]
public sealed record PaymentState
{
    /// <summary>False until the order requests its payment.</summary>
    [Id(0)]
    public bool Requested { get; init; }

    [Id(1)]
    public PaymentType Type { get; init; }

    [Id(2)]
    public PaymentStatus Status { get; init; }

    [Id(3)]
    public decimal Amount { get; init; }

    [Id(4)]
    public string Currency { get; init; } = "";

    /// <summary>The gateway's charge id (card) or the reference the bank confirmed (QR).</summary>
    [Id(5)]
    public string? GatewayReference { get; init; }

    [Id(6)]
    public string? CardBrand { get; init; }

    [Id(7)]
    public string? CardLast4 { get; init; }

    /// <summary>Card charges tried, or QR references issued.</summary>
    [Id(8)]
    public int Attempts { get; init; }

    [Id(9)]
    public string? FailureReason { get; init; }

    [Id(10)]
    public string? ConfirmedBy { get; init; }

    [Id(11)]
    public string? RefundReference { get; init; }

    [Id(12)]
    public PaymentTimes Times { get; init; } = new();

    [Id(13)]
    public long Version { get; init; }

    /// <summary>The QR reference the bank app is showing now; older ones stay known so a late webhook is recognised.</summary>
    [Id(14)]
    public string? QrReference { get; init; }

    [Id(15)]
    public List<string> IssuedQrReferences { get; init; } = [];

    /// <summary>
    /// The order was cancelled after it was paid, and the gateway has not yet taken the refund: it is tried again until
    /// it does (the payment stays Confirmed, since the money is still held, until then).
    /// </summary>
    [Id(16)]
    public bool RefundDue { get; init; }

    /// <summary>Refunds tried and not taken by the gateway.</summary>
    [Id(17)]
    public int FailedRefunds { get; init; }
}

internal static class PaymentStateMapping
{
    public static PaymentView ToView(this PaymentState state, Guid orderId) => new(
        orderId,
        state.Type,
        state.Status,
        state.Amount,
        state.Currency,
        state.GatewayReference,
        state.CardBrand,
        state.CardLast4,
        state.Attempts,
        state.FailureReason,
        state.ConfirmedBy,
        state.RefundReference,
        state.Times,
        state.Version);
}
