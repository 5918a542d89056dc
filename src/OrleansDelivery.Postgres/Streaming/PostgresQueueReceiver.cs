using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>
/// Reads one queue for the pulling agent that owns it. It queries PostgreSQL only when a notification woke its queue,
/// when the last read filled a whole page, or every <c>FallbackReadPeriod</c>; otherwise a poll is answered from
/// memory, so the agent may poll often. It starts after the queue's checkpoint and moves the checkpoint on as Orleans
/// reports messages delivered to every subscriber (purged from the cache), writing it at most every
/// <c>CheckpointPeriod</c>: one write per purge was more than half a statement per order in the HTTP benchmark.
/// </summary>
public sealed partial class PostgresQueueReceiver : IQueueAdapterReceiver
{
    // One read never takes more than this, however many the agent would accept: a page is one round trip.
    private const int MaxPage = 500;

    private readonly int _queueId;
    private readonly PostgresStreamStore _store;
    private readonly QueueReadPosition _position;
    private readonly TimeSpan _fallbackPeriod;
    private readonly TimeSpan _checkpointPeriod;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresQueueReceiver> _logger;
    private QueueSignal? _signal;
    private long _lastRead;
    private long _checkpoint;
    private long _delivered;
    private DateTimeOffset _nextCheckpoint;
    private DateTimeOffset _nextFallbackRead;

    internal PostgresQueueReceiver(
        QueueId queueId,
        PostgresStreamStore store,
        QueueReadPosition position,
        TimeSpan fallbackPeriod,
        TimeSpan checkpointPeriod,
        TimeProvider time,
        ILogger<PostgresQueueReceiver> logger)
    {
        _queueId = PostgresQueueAdapterFactory.QueueNumber(queueId);
        _store = store;
        _position = position;
        _fallbackPeriod = fallbackPeriod;
        _checkpointPeriod = checkpointPeriod;
        _time = time;
        _logger = logger;
    }

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        _checkpoint = await _store.Log.ReadCheckpointAsync(_queueId, limit.Token);
        _delivered = _checkpoint;
        _lastRead = _checkpoint;
        _position.StartedAt = _checkpoint + 1;
        _signal = _store.Notifications.SignalOf(_queueId);
        _signal.Set();
        _store.StartedReading(_queueId);
        LogStarted(_logger, _store.Log.ProviderName, _queueId, _checkpoint);
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        // A delivery held back by the period goes out once it is due, even if nothing more is delivered meanwhile.
        await CheckpointIfDueAsync(now, cancellationToken);
        var woken = _signal?.TryTake() ?? true;
        if (!woken && now < _nextFallbackRead)
        {
            return [];
        }

        _nextFallbackRead = now + _fallbackPeriod;
        var page = maxCount <= 0 ? MaxPage : Math.Min(maxCount, MaxPage);
        IReadOnlyList<StoredStreamMessage> messages;
        try
        {
            messages = await _store.Log.ReadAsync(_queueId, _lastRead, page, cancellationToken);
        }
        catch
        {
            // The wake-up was not served: the next poll tries again rather than waiting for the fallback.
            _signal?.Set();
            throw;
        }

        if (messages.Count == 0)
        {
            return [];
        }

        if (messages.Count == page)
        {
            // A full page: there may be more, which no further notification would announce.
            _signal?.Set();
        }

        _lastRead = messages[^1].Sequence;
        var batches = new List<IBatchContainer>(messages.Count);
        foreach (var message in messages)
        {
            if (_store.ToContainer(message) is { } batch)
            {
                batches.Add(batch);
            }
        }

        return batches;
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        // The cache purges its oldest messages first, and only once every cursor has passed them: everything up to
        // the newest purged sequence has been given to every subscriber.
        var delivered = messages.Count == 0 ? 0 : messages.Max(message => message.SequenceToken.SequenceNumber);
        _delivered = Math.Max(_delivered, delivered);
        await CheckpointIfDueAsync(_time.GetUtcNow(), cancellationToken);
    }

    public async Task Shutdown(TimeSpan timeout)
    {
        try
        {
            // Handing the queue over: the next reader starts after everything delivered here.
            using var limit = new CancellationTokenSource(timeout);
            await WriteCheckpointAsync(_time.GetUtcNow(), limit.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The next reader then starts after the last checkpoint written, and delivers the rest again.
            LogCheckpointLost(_logger, _store.Log.ProviderName, _queueId, exception);
        }
        finally
        {
            _store.StoppedReading(_queueId);
        }
    }

    private Task CheckpointIfDueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _delivered > _checkpoint && now >= _nextCheckpoint ? WriteCheckpointAsync(now, cancellationToken) : Task.CompletedTask;

    private async Task WriteCheckpointAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var delivered = _delivered;
        if (delivered <= _checkpoint)
        {
            return;
        }

        await _store.Log.WriteCheckpointAsync(_queueId, delivered, cancellationToken);
        _checkpoint = delivered;
        _nextCheckpoint = now + _checkpointPeriod;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {ProviderName} could not write queue {QueueId}'s checkpoint as it stopped reading it")]
    private static partial void LogCheckpointLost(ILogger logger, string providerName, int queueId, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream provider {ProviderName} reads queue {QueueId} after checkpoint {Checkpoint}")]
    private static partial void LogStarted(ILogger logger, string providerName, int queueId, long checkpoint);
}
