using System.Collections.Concurrent;
using OrleansDelivery.Grains.Notifications;
using OrleansDelivery.Notifications;

namespace OrleansDelivery.Grains.Tests;

/// <summary>An email sender that keeps what it sends and can refuse an address a number of times first.</summary>
public sealed class RecordingEmailSender : IEmailSender
{
    private readonly Dictionary<string, int> _refusals = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public ConcurrentQueue<OutgoingEmail> Sent { get; } = new();

    /// <summary>The next <paramref name="times"/> sends to <paramref name="address"/> fail.</summary>
    public void Refuse(string address, int times)
    {
        lock (_lock)
        {
            _refusals[address] = times;
        }
    }

    public IReadOnlyList<OutgoingEmail> SentTo(string address) =>
        [.. Sent.Where(e => string.Equals(e.To, address, StringComparison.OrdinalIgnoreCase))];

    public Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        lock (_lock)
        {
            if (_refusals.TryGetValue(email.To, out var left) && left > 0)
            {
                _refusals[email.To] = left - 1;
                throw new IOException($"451 Try again later ({email.To})");
            }
        }

        Sent.Enqueue(email);
        return Task.CompletedTask;
    }
}
