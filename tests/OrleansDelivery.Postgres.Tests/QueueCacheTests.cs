using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;
using OrleansDelivery.Postgres.Streaming;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>The durable provider's queue cache as Orleans' pulling agent drives it, one call at a time.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class QueueCacheTests(PostgresClusterFixture fixture)
{
    private const string Namespace = "queue-cache";

    [Fact]
    public void A_cursor_waiting_for_a_sequence_the_cache_took_in_and_purged_meanwhile_still_delivers_the_streams_next_message()
    {
        var store = DurableStreamTests.Store(fixture.Cluster.Silos[0].ServiceProvider);
        var cache = new PostgresQueueCache(
            queueId: PostgresCluster.DurableQueueCount - 1,
            new SimpleQueueCache(100, NullLogger<SimpleQueueCache>.Instance),
            new QueueReadPosition { StartedAt = 1 },
            store);
        var waiting = StreamId.Create(Namespace, Guid.NewGuid().ToString("N"));
        var other = StreamId.Create(Namespace, Guid.NewGuid().ToString("N"));

        cache.AddToCache([Message(other, 1)]);

        // Asked for a sequence the queue has not read yet (as after a rewind read the table up to the cache), the
        // cursor waits for it without pinning anything.
        var result = cache.TryGetCacheCursor(waiting, new EventSequenceTokenV2(2));
        Assert.Equal(QueueCacheCursorResultKind.Success, result.Kind);
        using var cursor = result.Cursor!;
        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, cursor.MoveNextWithResult().Kind);

        // That sequence comes as another stream's message, which every cursor has passed: the cache purges it.
        cache.AddToCache([Message(other, 2)]);
        Assert.True(cache.TryPurgeFromCache(out _));

        // The waiting stream's next message: the agent refreshes the stream's cursors, then moves them. A refresh
        // that threw here would stop the agent waking this stream, and every later one of the read, for good.
        cache.AddToCache([Message(waiting, 3, 42)]);
        cursor.Refresh(new EventSequenceTokenV2(3));

        Assert.Equal(QueueCacheCursorMoveResultKind.Success, cursor.MoveNextWithResult().Kind);
        var delivered = cursor.GetCurrent(out _)!;
        Assert.Equal(3, delivered.SequenceToken.SequenceNumber);
        Assert.Equal([42], delivered.GetEvents<int>().Select(e => e.Item1));
        Assert.Equal(QueueCacheCursorMoveResultKind.NoData, cursor.MoveNextWithResult().Kind);
    }

    private static PostgresBatchContainer Message(StreamId stream, long sequence, int value = 0) =>
        new(stream, new EventSequenceTokenV2(sequence), [value], null);
}
