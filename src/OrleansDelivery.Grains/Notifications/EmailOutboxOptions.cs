namespace OrleansDelivery.Grains.Notifications;

/// <summary>How the outbox retries (configuration section <c>Email:Outbox</c>).</summary>
public sealed class EmailOutboxOptions
{
    /// <summary>The wait after the first failed send; it doubles with every further failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two tries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>After this many failures in a row the outbox logs an error (and keeps trying at the longest wait).</summary>
    public int AttemptsBeforeError { get; set; } = 10;
}
