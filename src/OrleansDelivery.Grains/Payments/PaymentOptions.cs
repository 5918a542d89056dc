namespace OrleansDelivery.Grains.Payments;

/// <summary>The <c>Payments</c> configuration section, as the grains read it.</summary>
public sealed class PaymentOptions
{
    public const string Section = "Payments";

    /// <summary>How long a prepaid order waits for its payment before it is cancelled and its stock released.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);
}
