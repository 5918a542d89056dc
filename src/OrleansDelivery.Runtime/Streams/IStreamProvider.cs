namespace OrleansDelivery.Runtime;

/// <summary>A named source of streams.</summary>
public interface IStreamProvider
{
    string Name { get; }

    IAsyncStream<T> GetStream<T>(StreamId streamId);
}

/// <summary>A stream of events of one type. Every event gets the next per-stream sequence number.</summary>
public interface IAsyncStream<T>
{
    StreamId StreamId { get; }

    /// <summary>Appends the event; completes once it is stored, with its sequence number.</summary>
    Task<long> OnNextAsync(T item, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivers, in order, every event after <paramref name="afterSequence"/> and then the new ones as they come.
    /// With no sequence only events appended from now on are delivered. A subscription made inside a grain
    /// delivers its events as turns of that grain and ends when the activation does.
    /// </summary>
    Task<StreamSubscriptionHandle> SubscribeAsync(IAsyncObserver<T> observer, long? afterSequence = null, CancellationToken cancellationToken = default);

    /// <summary>The sequence number of the newest event, or 0 for an empty stream.</summary>
    Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default);
}

/// <summary>Receives stream events, one at a time and in sequence order.</summary>
public interface IAsyncObserver<in T>
{
    Task OnNextAsync(T item, StreamSequenceToken token);

    /// <summary>Told about delivery trouble, such as events already removed by retention.</summary>
    Task OnErrorAsync(Exception error) => Task.CompletedTask;
}

/// <summary>An active subscription; dispose or unsubscribe to stop deliveries.</summary>
public abstract class StreamSubscriptionHandle : IAsyncDisposable
{
    public abstract StreamId StreamId { get; }

    /// <summary>The sequence number of the last event delivered to the observer.</summary>
    public abstract long LastDeliveredSequence { get; }

    public abstract Task UnsubscribeAsync();

    public ValueTask DisposeAsync() => new(UnsubscribeAsync());
}

/// <summary>Events the subscriber asked for were already removed by the stream's retention.</summary>
public sealed class StreamEventsLostException(StreamId streamId, long firstMissing, long lastMissing)
    : Exception($"Events {firstMissing}..{lastMissing} of stream {streamId} were removed by retention before they could be delivered.")
{
    public StreamId StreamId { get; } = streamId;

    public long FirstMissing { get; } = firstMissing;

    public long LastMissing { get; } = lastMissing;
}
