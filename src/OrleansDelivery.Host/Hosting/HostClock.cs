namespace OrleansDelivery.Host.Hosting;

/// <summary>Knows how long the host has been up; created when the host starts.</summary>
public sealed class HostClock(TimeProvider time)
{
    private readonly long _startTimestamp = time.GetTimestamp();

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public TimeSpan Uptime => time.GetElapsedTime(_startTimestamp);
}
