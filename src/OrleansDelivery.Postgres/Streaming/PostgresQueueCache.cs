using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>Makes each queue's cache: Orleans' <see cref="SimpleQueueCache"/>, which falls back to the table for rewinds.</summary>
internal sealed class PostgresQueueAdapterCache(
    int cacheSize,
    PostgresStreamStore store,
    Func<QueueId, QueueReadPosition> positions,
    ILoggerFactory loggerFactory) : IQueueAdapterCache
{
    public IQueueCache CreateQueueCache(QueueId queueId) => new PostgresQueueCache(
        PostgresQueueAdapterFactory.QueueNumber(queueId),
        new SimpleQueueCache(cacheSize, loggerFactory.CreateLogger<SimpleQueueCache>()),
        positions(queueId),
        store);
}

/// <summary>
/// A queue's cache. Live delivery, purging and back-pressure are Orleans' <see cref="SimpleQueueCache"/>; what this
/// adds is the rewind it cannot do: a cursor asked for at a token older than anything the cache holds (purged, or
/// read before this node took the queue over) reads that stream's messages from the table first, then carries on in
/// the cache; and a cursor the cache reports as fallen behind it does the same rather than fail.
/// </summary>
internal sealed class PostgresQueueCache(int queueId, SimpleQueueCache inner, QueueReadPosition position, PostgresStreamStore store) : IQueueCache
{
    private const int TablePage = 256;

    // The newest sequence the inner cache has purged: it holds nothing at or before it.
    private long _purgedThrough;

    /// <summary>The oldest sequence the cache holds, or will hold, every message of.</summary>
    private long CoveredFrom => Math.Max(position.StartedAt, _purgedThrough + 1);

    private IQueueCache Inner => inner;

    public int GetMaxAddCount() => inner.GetMaxAddCount();

    public void AddToCache(IList<IBatchContainer> messages) => inner.AddToCache(messages);

    public bool TryPurgeFromCache([MaybeNullWhen(false)] out IList<IBatchContainer> purgedItems)
    {
        if (!inner.TryPurgeFromCache(out purgedItems))
        {
            return false;
        }

        foreach (var item in purgedItems)
        {
            _purgedThrough = Math.Max(_purgedThrough, item.SequenceToken.SequenceNumber);
        }

        return true;
    }

    public bool IsUnderPressure() => inner.IsUnderPressure();

    public void UpdateDeliveryProgress(StreamSequenceToken? earliestSubscriptionToken, DateTime utcNow) =>
        Inner.UpdateDeliveryProgress(earliestSubscriptionToken, utcNow);

    [Obsolete("Orleans calls TryGetCacheCursor.")]
    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) => CursorAt(streamId, token);

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(CursorAt(streamId, token));

    private Cursor CursorAt(StreamId streamId, StreamSequenceToken? token)
    {
        var coveredFrom = CoveredFrom;
        if (token is not null && token.SequenceNumber < coveredFrom)
        {
            return new Cursor(this, streamId, token.SequenceNumber, coveredFrom);
        }

        var live = Inner.TryGetCacheCursor(streamId, token);
        return live.Kind == QueueCacheCursorResultKind.Success
            ? new Cursor(this, streamId, live.Cursor!, token?.SequenceNumber)
            : new Cursor(this, streamId, token?.SequenceNumber ?? coveredFrom, Math.Max(coveredFrom, live.CacheMiss?.LowToken?.SequenceNumber ?? coveredFrom));
    }

    /// <summary>A page of one stream's messages from the table, and where the next page starts.</summary>
    private (IReadOnlyList<IBatchContainer> Page, long Next) ReadTable(StreamId streamId, long from, long before)
    {
        store.CountTableRead();
        var stored = store.Log.ReadStream(queueId, streamId, from, before, TablePage);
        var next = stored.Count < TablePage ? before : stored[^1].Sequence + 1;
        return ([.. stored.Select(store.ToContainer).OfType<IBatchContainer>()], next);
    }

    /// <summary>
    /// A cursor on one stream: in the table from a sequence up to where the cache's cover began, a page at a time, and
    /// then in the cache. Reading the table is synchronous because Orleans moves cursors synchronously; it happens
    /// only for rewinds past the cache and for a subscriber that fell behind it.
    /// </summary>
    private sealed class Cursor : IQueueCacheCursor
    {
        private readonly PostgresQueueCache _cache;
        private readonly StreamId _streamId;
        private IReadOnlyList<IBatchContainer> _page = [];
        private int _index;
        private long _next;
        private long _tableBefore;
        private IBatchContainer? _current;
        private IQueueCacheCursor? _live;

        // The sequence the live cursor was asked to start at, until it first delivers: while it waits for that
        // sequence to reach the cache it pins nothing, so the cache may take it in and purge it before this stream's
        // next message arrives (see Refresh).
        private long? _liveWaitsAt;

        public Cursor(PostgresQueueCache cache, StreamId streamId, long from, long before)
        {
            _cache = cache;
            _streamId = streamId;
            _next = from;
            _tableBefore = before;
        }

        public Cursor(PostgresQueueCache cache, StreamId streamId, IQueueCacheCursor live, long? liveStartsAt)
        {
            _cache = cache;
            _streamId = streamId;
            _live = live;
            _liveWaitsAt = liveStartsAt;
        }

        public IBatchContainer? GetCurrent(out Exception? exception)
        {
            if (_live is not null)
            {
                return _live.GetCurrent(out exception);
            }

            exception = null;
            return _current;
        }

        [Obsolete("Orleans calls MoveNextWithResult.")]
        public bool MoveNext() => MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success;

        public QueueCacheCursorMoveResult MoveNextWithResult()
        {
            // A cache that keeps calling a position a miss after the gap was read must not spin this turn: report
            // no data, and the agent asks again later.
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (_live is not null)
                {
                    var moved = _live.MoveNextWithResult();
                    if (moved.Kind != QueueCacheCursorMoveResultKind.CacheMiss || moved.CacheMiss is not { } miss)
                    {
                        if (moved.Kind == QueueCacheCursorMoveResultKind.Success)
                        {
                            _liveWaitsAt = null;
                        }

                        return moved;
                    }

                    // Behind the cache: read the gap from the table, then come back.
                    _live.Dispose();
                    _live = null;
                    _liveWaitsAt = null;
                    _next = miss.RequestedToken?.SequenceNumber ?? _cache.CoveredFrom;
                    _tableBefore = Math.Max(_next, miss.LowToken?.SequenceNumber ?? _cache.CoveredFrom);
                }

                while (_index >= _page.Count && _next < _tableBefore)
                {
                    (_page, _next) = _cache.ReadTable(_streamId, _next, _tableBefore);
                    _index = 0;
                }

                if (_index < _page.Count)
                {
                    _current = _page[_index++];
                    return QueueCacheCursorMoveResult.Success;
                }

                // The table is read up to where the cache's cover began; the cache serves from there (or, if it has
                // purged past that point meanwhile, another table read does).
                _current = null;
                _page = [];
                _index = 0;
                _live = _cache.CursorAt(_streamId, new EventSequenceTokenV2(_tableBefore));
                _liveWaitsAt = _tableBefore;
            }

            return QueueCacheCursorMoveResult.NoData;
        }

        public void Refresh(StreamSequenceToken token)
        {
            if (_live is null)
            {
                // Reading the table: the next move reads on, and then joins the cache.
                return;
            }

            try
            {
                _live.Refresh(token);
            }
            catch (QueueCacheMissException)
            {
                // The live cursor waited for a sequence the cache has purged since (a waiting cursor pins nothing).
                // Orleans calls Refresh while it hands a fresh read to the queue's streams, and a throw there would
                // stop it waking this and every later stream of the read, for good: this stream would never be
                // delivered to again. Read the gap from the table instead; the next move does.
                _live.Dispose();
                _live = null;
                _next = _liveWaitsAt ?? _cache.CoveredFrom;
                _liveWaitsAt = null;
                _tableBefore = Math.Max(_next, _cache.CoveredFrom);
            }
        }

        public void RecordDeliveryFailure() => _live?.RecordDeliveryFailure();

        public void Dispose() => _live?.Dispose();
    }
}
