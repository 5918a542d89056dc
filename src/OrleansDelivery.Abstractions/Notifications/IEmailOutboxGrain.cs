using System.Collections.Immutable;

namespace OrleansDelivery.Notifications;

/// <summary>
/// The durable outbox of one recipient (key: <see cref="EmailOutbox.KeyOf"/>): an email is queued first, then sent; a
/// failed send stays queued and is retried with backoff, also after a restart; a sent email leaves the queue.
/// </summary>
public interface IEmailOutboxGrain : IGrainWithStringKey
{
    /// <summary>Queues the email and tries it once at once; enqueueing an id queued or sent before changes nothing.</summary>
    Task EnqueueAsync(OutgoingEmail email);

    /// <summary>The emails not sent yet, oldest first.</summary>
    [ReadOnly]
    Task<ImmutableArray<QueuedEmail>> GetQueueAsync();
}

public static class EmailOutbox
{
    /// <summary>The outbox key of an address: addresses that differ only in case are one recipient.</summary>
    public static string KeyOf(string address) => address.Trim().ToLowerInvariant();
}
