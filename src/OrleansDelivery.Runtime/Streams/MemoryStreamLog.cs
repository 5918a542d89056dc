using System.Collections.Concurrent;

namespace OrleansDelivery.Runtime.Streams;

/// <summary>Retention of an in-memory stream log.</summary>
public sealed record MemoryStreamLogOptions
{
    /// <summary>Events kept per stream; the oldest go first.</summary>
    public int MaxEventsPerStream { get; init; } = 10_000;
}

/// <summary>Stream logs in process memory: the embedded default, gone with the process.</summary>
public sealed class MemoryStreamLog(MemoryStreamLogOptions? options = null) : IStreamLog
{
    private readonly ConcurrentDictionary<StreamId, StreamEntries> _streams = new();
    private readonly int _maxEvents = (options ?? new MemoryStreamLogOptions()).MaxEventsPerStream;

    public Task<long> AppendAsync(StreamId streamId, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stream = _streams.GetOrAdd(streamId, static _ => new StreamEntries());
        long sequence;
        Action[] watchers;
        lock (stream)
        {
            sequence = stream.LastSequence + 1;
            stream.Events.Add(new StoredStreamEvent(streamId, sequence, timestamp, payload.ToArray()));
            stream.LastSequence = sequence;
            if (stream.Events.Count > _maxEvents)
            {
                stream.Events.RemoveRange(0, stream.Events.Count - _maxEvents);
            }

            watchers = [.. stream.Watchers];
        }

        foreach (var watcher in watchers)
        {
            watcher();
        }

        return Task.FromResult(sequence);
    }

    public Task<IReadOnlyList<StoredStreamEvent>> ReadAsync(StreamId streamId, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            return Task.FromResult<IReadOnlyList<StoredStreamEvent>>([]);
        }

        lock (stream)
        {
            if (stream.Events.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<StoredStreamEvent>>([]);
            }

            // Events are contiguous, so the position of a sequence is an offset from the first retained one.
            var first = stream.Events[0].Sequence;
            var start = (int)Math.Max(0, afterSequence + 1 - first);
            var count = Math.Min(maxCount, stream.Events.Count - start);
            return Task.FromResult<IReadOnlyList<StoredStreamEvent>>(count <= 0 ? [] : stream.Events.GetRange(start, count));
        }
    }

    public Task<long> GetLastSequenceAsync(StreamId streamId, CancellationToken cancellationToken)
    {
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            return Task.FromResult(0L);
        }

        lock (stream)
        {
            return Task.FromResult(stream.LastSequence);
        }
    }

    public IDisposable Watch(StreamId streamId, Action onAppended)
    {
        var stream = _streams.GetOrAdd(streamId, static _ => new StreamEntries());
        lock (stream)
        {
            stream.Watchers.Add(onAppended);
        }

        return new Unwatch(stream, onAppended);
    }

    private sealed class StreamEntries
    {
        public List<StoredStreamEvent> Events { get; } = [];

        public List<Action> Watchers { get; } = [];

        public long LastSequence { get; set; }
    }

    private sealed class Unwatch(StreamEntries stream, Action watcher) : IDisposable
    {
        public void Dispose()
        {
            lock (stream)
            {
                stream.Watchers.Remove(watcher);
            }
        }
    }
}
