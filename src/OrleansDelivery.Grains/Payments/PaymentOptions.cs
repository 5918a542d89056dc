namespace OrleansDelivery.Grains.Payments;

/// <summary>The <c>Payments</c> configuration section, as the grains read it.</summary>
public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>How long a prepaid order waits for its payment before it is cancelled and its stock released.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after a refund the gateway did not take it is tried again; the wait doubles on each failure.</summary>
    public TimeSpan RefundRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two tries of a refund.</summary>
    public TimeSpan MaxRefundRetryDelay { get; set; } = TimeSpan.FromMinutes(10);
}
