using OrleansDelivery.Payments;

namespace OrleansDelivery.Grains.Payments;

/// <summary>
/// The built-in gateway for development and tests: no network, and answers that depend on the card number only.
/// <list type="table">
/// <listheader><term>Card number</term><description>Outcome</description></listheader>
/// <item><term>4242 4242 4242 4242</term><description>approved (Visa)</description></item>
/// <item><term>5555 5555 5555 4444</term><description>approved (Mastercard)</description></item>
/// <item><term>4000 0000 0000 0002</term><description>declined: "The card was declined"</description></item>
/// <item><term>4000 0000 0000 9995</term><description>declined: "Insufficient funds"</description></item>
/// <item><term>4000 0000 0000 0119</term><description>gateway error (the API answers 502; the payment stays retryable)</description></item>
/// <item><term>any other number that passes the Luhn check</term><description>approved</description></item>
/// <item><term>a number that fails the Luhn check</term><description>declined (the API refuses it before, with 400)</description></item>
/// </list>
/// Any future expiry date, any 3 or 4 digit CVC and any holder name are accepted. Refunds always succeed.
/// </summary>
public sealed class SandboxPaymentGateway : IPaymentGateway
{
    public const string ApprovedCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";
    public const string GatewayErrorCard = "4000000000000119";

    public Task<ChargeOutcome> ChargeAsync(CardCharge charge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charge);
        var digits = charge.Card.Digits;
        var brand = CardNumbers.Brand(digits);
        ChargeOutcome outcome = digits switch
        {
            GatewayErrorCard => throw new PaymentGatewayException("The sandbox gateway simulated an outage."),
            DeclinedCard => new ChargeOutcome.Declined("The card was declined", brand),
            InsufficientFundsCard => new ChargeOutcome.Declined("Insufficient funds", brand),
            _ when !CardNumbers.PassesLuhn(digits) => new ChargeOutcome.Declined("The card number is not valid", brand),
            // The key makes the reference: a retried charge gets the same answer, as a real gateway's idempotency does.
            _ => new ChargeOutcome.Approved($"sbx_ch_{charge.IdempotencyKey}", brand),
        };
        return Task.FromResult(outcome);
    }

    public Task<string> RefundAsync(GatewayRefund refund, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refund);
        return Task.FromResult($"sbx_re_{refund.IdempotencyKey}");
    }
}
