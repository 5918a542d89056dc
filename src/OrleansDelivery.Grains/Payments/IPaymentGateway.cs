using OrleansDelivery.Payments;

namespace OrleansDelivery.Grains.Payments;

/// <summary>
/// A card payment provider. Declines are answers (<see cref="ChargeOutcome.Declined"/>); a gateway that cannot
/// answer throws <see cref="PaymentGatewayException"/>, and nothing was charged. Both calls take an idempotency key,
/// so a charge or a refund retried after a crash is not made twice.
/// </summary>
public interface IPaymentGateway
{
    Task<ChargeOutcome> ChargeAsync(CardCharge charge, CancellationToken cancellationToken);

    /// <summary>Refunds a charge (or a bank transfer the QR payment made) in full; returns the refund's reference.</summary>
    Task<string> RefundAsync(GatewayRefund refund, CancellationToken cancellationToken);
}

public sealed record CardCharge(string IdempotencyKey, CardDetails Card, decimal Amount, string Currency);

public sealed record GatewayRefund(string IdempotencyKey, string PaymentReference, decimal Amount, string Currency);

public abstract record ChargeOutcome(string Brand)
{
    public sealed record Approved(string Reference, string Brand) : ChargeOutcome(Brand);

    public sealed record Declined(string Reason, string Brand) : ChargeOutcome(Brand);
}

/// <summary>The gateway could not be reached or failed; the payment may be tried again.</summary>
public sealed class PaymentGatewayException(string message, Exception? innerException = null) : Exception(message, innerException);
