using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace OrleansDelivery.Runtime.Postgres;

/// <summary>
/// The stream log of one stream provider in <c>orleans_stream_events</c>, with <c>LISTEN/NOTIFY</c> wake-ups
/// and optional retention. Appends notify a channel private to this service and provider; one listening
/// connection per log dispatches the notifications to <see cref="Watch"/> callbacks.
/// </summary>
public sealed partial class PostgresStreamLog : IStreamLog, IAsyncDisposable
{
    // pg_notify refuses payloads of 8000 bytes or more; a longer stream id is announced as "every stream".
    private const int MaxNotificationPayloadBytes = 7_000;
    private const string Store = "stream log";
    private static readonly TimeSpan ListenerPingInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PostgresStreamLog> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Watcher>> _watchers = new(StringComparer.Ordinal);
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _listener;
    private Task? _trimmer;
    private bool _disposed;

    public PostgresStreamLog(
        string providerName,
        NpgsqlDataSource dataSource,
        PostgresStorageOptions options,
        TimeProvider timeProvider,
        ILogger<PostgresStreamLog> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        ProviderName = providerName;
        _dataSource = dataSource;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;

        // Channel names are identifiers of at most 63 bytes; a hash fits any service id and provider name and
        // keeps services that share a database from waking each other.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{options.ServiceId}\n{providerName}"));
        NotificationChannel = "orleans_streams_" + Convert.ToHexStringLower(hash)[..16];
    }

    public string ProviderName { get; }

    /// <summary>The <c>LISTEN</c> channel of this service and provider; the payload of a notification is the stream id.</summary>
    public string NotificationChannel { get; }

    /// <summary>Starts the background retention trim when a retention is configured.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_trimmer is null && (_options.StreamMaxAge is not null || _options.StreamMaxEventsPerStream is not null))
            {
                _trimmer = TrimPeriodicallyAsync(_stopping.Token);
            }
        }

        return Task.CompletedTask;
    }

    public async Task<long> AppendAsync(StreamId streamId, ReadOnlyMemory<byte> payload, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        // Why a counter row rather than a sequence or an advisory lock: the upsert locks the stream's row until the
        // transaction ends, so concurrent producers of one stream queue there, each gets last_sequence + 1, and a
        // failed append rolls its increment back: no gaps, and sequence order is commit order, so a reader never
        // sees event n + 1 before event n. Producers of different streams do not wait for each other, and the
        // newest sequence outlives retention. One statement, so the counter, the event and the notification
        // (sent on commit) succeed or fail together.
        var key = streamId.ToString();
        var notification = Encoding.UTF8.GetByteCount(key) <= MaxNotificationPayloadBytes ? key : "";
        try
        {
            await using var command = _dataSource.CreateCommand("""
                WITH counter AS (
                    INSERT INTO orleans_streams AS s (service_id, provider_name, stream_namespace, stream_key, last_sequence)
                    VALUES ($1, $2, $3, $4, 1)
                    ON CONFLICT ON CONSTRAINT orleans_streams_pk DO UPDATE SET last_sequence = s.last_sequence + 1
                    RETURNING last_sequence
                ), appended AS (
                    INSERT INTO orleans_stream_events (service_id, provider_name, stream_namespace, stream_key, sequence, created_at, payload)
                    SELECT $1, $2, $3, $4, counter.last_sequence, $5, $6 FROM counter
                    RETURNING sequence
                )
                SELECT appended.sequence, pg_notify($7, $8) FROM appended
                """);
            AddStream(command, streamId);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timestamp.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter { Value = payload.ToArray(), NpgsqlDbType = NpgsqlDbType.Jsonb });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NotificationChannel });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = notification });
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public async Task<IReadOnlyList<StoredStreamEvent>> ReadAsync(StreamId streamId, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        if (maxCount <= 0)
        {
            return [];
        }

        try
        {
            await using var command = _dataSource.CreateCommand("""
                SELECT sequence, created_at, payload
                FROM orleans_stream_events
                WHERE service_id = $1 AND provider_name = $2 AND stream_namespace = $3 AND stream_key = $4 AND sequence > $5
                ORDER BY sequence
                LIMIT $6
                """);
            AddStream(command, streamId);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
            var events = new List<StoredStreamEvent>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new StoredStreamEvent(
                    streamId,
                    reader.GetInt64(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    reader.GetFieldValue<byte[]>(2)));
            }

            return events;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public async Task<long> GetLastSequenceAsync(StreamId streamId, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("""
                SELECT last_sequence
                FROM orleans_streams
                WHERE service_id = $1 AND provider_name = $2 AND stream_namespace = $3 AND stream_key = $4
                """);
            AddStream(command, streamId);
            return (long?)await command.ExecuteScalarAsync(cancellationToken) ?? 0;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public IDisposable Watch(StreamId streamId, Action onAppended)
    {
        ArgumentNullException.ThrowIfNull(onAppended);
        var watcher = new Watcher(this, streamId.ToString(), onAppended);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_watchers.TryGetValue(watcher.Key, out var list))
            {
                _watchers[watcher.Key] = list = [];
            }

            list.Add(watcher);
            _listener ??= ListenAsync(_stopping.Token);
        }

        return watcher;
    }

    /// <summary>Applies the retention once: removes events beyond the per-stream count and older than the maximum age.</summary>
    public async Task<int> TrimAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        try
        {
            if (_options.StreamMaxEventsPerStream is { } maxEvents)
            {
                await using var command = _dataSource.CreateCommand("""
                    DELETE FROM orleans_stream_events AS e
                    USING orleans_streams AS s
                    WHERE s.service_id = $1 AND s.provider_name = $2
                      AND e.service_id = s.service_id AND e.provider_name = s.provider_name
                      AND e.stream_namespace = s.stream_namespace AND e.stream_key = s.stream_key
                      AND e.sequence <= s.last_sequence - $3
                    """);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.ServiceId });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ProviderName });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = maxEvents });
                removed += await command.ExecuteNonQueryAsync(cancellationToken);
            }

            if (_options.StreamMaxAge is { } maxAge)
            {
                await using var command = _dataSource.CreateCommand("""
                    DELETE FROM orleans_stream_events
                    WHERE service_id = $1 AND provider_name = $2 AND created_at < $3
                    """);
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.ServiceId });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ProviderName });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = _timeProvider.GetUtcNow() - maxAge });
                removed += await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return removed;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _watchers.Clear();
            running = new[] { _listener, _trimmer }.OfType<Task>().ToArray();
        }

        await _stopping.CancelAsync();
        await Task.WhenAll(running);
        _stopping.Dispose();
    }

    /// <summary>Completes once the listening connection is subscribed (again, after a reconnect).</summary>
    internal Task WhenListeningAsync()
    {
        lock (_lock)
        {
            return _listening.Task;
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        // Leave the caller of Watch at once; the connection is opened in the background.
        await Task.Yield();
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                if (failures > 0)
                {
                    LogListenerReconnected(_logger, ProviderName, failures);
                }

                failures = 0;
                lock (_lock)
                {
                    _listening.TrySetResult();
                }

                // Whatever was appended before LISTEN took effect (at first, or while the connection was down)
                // notified nobody; every watcher looks once for itself.
                Wake(key: null);
                while (true)
                {
                    if (!await connection.WaitAsync(ListenerPingInterval, cancellationToken))
                    {
                        // A peer that vanished without closing the socket never fails WaitAsync: ask it something.
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteNonQueryAsync(cancellationToken);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                lock (_lock)
                {
                    if (_listening.Task.IsCompleted)
                    {
                        _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }

                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxReconnectDelay.TotalMilliseconds, 250 * Math.Pow(2, failures - 1)));
                LogListenerFailed(_logger, exception, ProviderName, delay);
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notification)
    {
        if (notification.Channel == NotificationChannel)
        {
            Wake(notification.Payload.Length == 0 ? null : notification.Payload);
        }
    }

    /// <summary>Calls the watchers of one stream, or of every stream when <paramref name="key"/> is null.</summary>
    private void Wake(string? key)
    {
        Watcher[] targets;
        lock (_lock)
        {
            targets = key is null
                ? _watchers.Values.SelectMany(list => list).ToArray()
                : _watchers.TryGetValue(key, out var list) ? [.. list] : [];
        }

        foreach (var target in targets)
        {
            try
            {
                target.Callback();
            }
            catch (Exception exception)
            {
                LogWatcherFailed(_logger, exception, target.Key);
            }
        }
    }

    private void Unwatch(Watcher watcher)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(watcher.Key, out var list) && list.Remove(watcher) && list.Count == 0)
            {
                _watchers.Remove(watcher.Key);
            }
        }
    }

    private async Task TrimPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.StreamTrimInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    var removed = await TrimAsync(cancellationToken);
                    if (removed > 0)
                    {
                        LogTrimmed(_logger, ProviderName, removed);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogTrimFailed(_logger, exception, ProviderName);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void AddStream(NpgsqlCommand command, StreamId streamId)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _options.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ProviderName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Namespace });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.Key });
    }

    private StorageUnavailableException Unreachable(NpgsqlException exception)
    {
        LogUnreachable(_logger, exception, ProviderName);
        return PostgresFailures.Unreachable(_dataSource, Store, exception);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL stream log {ProviderName} is unreachable")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string providerName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream log {ProviderName} lost its notification connection; reconnecting in {Delay}")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string providerName, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream log {ProviderName} listens again after {Failures} failed attempts")]
    private static partial void LogListenerReconnected(ILogger logger, string providerName, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "A watcher of stream {StreamId} threw")]
    private static partial void LogWatcherFailed(ILogger logger, Exception exception, string streamId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream log {ProviderName} removed {Count} events past retention")]
    private static partial void LogTrimmed(ILogger logger, string providerName, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream log {ProviderName} could not apply its retention")]
    private static partial void LogTrimFailed(ILogger logger, Exception exception, string providerName);

    private sealed class Watcher(PostgresStreamLog log, string key, Action callback) : IDisposable
    {
        public string Key { get; } = key;

        public Action Callback { get; } = callback;

        public void Dispose() => log.Unwatch(this);
    }
}
