namespace OrleansDelivery.Runtime;

/// <summary>One stored stream event; the payload is UTF-8 JSON.</summary>
public sealed record StoredStreamEvent(StreamId StreamId, long Sequence, DateTimeOffset Timestamp, ReadOnlyMemory<byte> Payload);

/// <summary>
/// The storage under a stream provider: an append-only log per stream. Appends get gap-free sequence
/// numbers (1, 2, 3, ...) even under concurrent producers; readers can start from any retained sequence
/// and are woken when something is appended. Implemented in memory and on PostgreSQL.
/// </summary>
public interface IStreamLog
{
    /// <summary>Prepares the log (for example checks the schema); called once as the silo starts.</summary>
    Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Appends one event and returns its sequence number.</summary>
    Task<long> AppendAsync(StreamId streamId, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> retained events after <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<StoredStreamEvent>> ReadAsync(StreamId streamId, long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>The newest sequence number of the stream, or 0 when nothing was ever appended.</summary>
    Task<long> GetLastSequenceAsync(StreamId streamId, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="onAppended"/> (from any thread, possibly more than once per event, possibly for
    /// events appended elsewhere) whenever the stream may have grown. Dispose to stop.
    /// </summary>
    IDisposable Watch(StreamId streamId, Action onAppended);
}
