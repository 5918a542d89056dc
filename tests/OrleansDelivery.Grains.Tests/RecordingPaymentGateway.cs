using System.Collections.Concurrent;
using OrleansDelivery.Grains.Payments;

namespace OrleansDelivery.Grains.Tests;

/// <summary>The sandbox gateway, recording the refunds it makes, and able to fail an order's refunds a number of times first.</summary>
public sealed class RecordingPaymentGateway : IPaymentGateway
{
    private readonly SandboxPaymentGateway _sandbox = new();
    private readonly ConcurrentDictionary<string, int> _refundFailures = new(StringComparer.Ordinal);

    public ConcurrentQueue<GatewayRefund> Refunds { get; } = new();

    /// <summary>The next <paramref name="times"/> refunds of the order fail as an unreachable gateway's would.</summary>
    public void FailRefunds(Guid orderId, int times) => _refundFailures[RefundKey(orderId)] = times;

    public IReadOnlyList<GatewayRefund> RefundsOf(Guid orderId) => [.. Refunds.Where(refund => refund.IdempotencyKey == RefundKey(orderId))];

    public Task<ChargeOutcome> ChargeAsync(CardCharge charge, CancellationToken cancellationToken) => _sandbox.ChargeAsync(charge, cancellationToken);

    public async Task<string> RefundAsync(GatewayRefund refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        var left = _refundFailures.GetValueOrDefault(refund.IdempotencyKey);
        if (left > 0)
        {
            _refundFailures[refund.IdempotencyKey] = left - 1;
            throw new PaymentGatewayException("The test gateway is unreachable.");
        }

        var reference = await _sandbox.RefundAsync(refund, cancellationToken);
        Refunds.Enqueue(refund);
        return reference;
    }

    // The payment grain's refund key: one per order, the same on every try.
    private static string RefundKey(Guid orderId) => $"{orderId:N}-refund";
}
