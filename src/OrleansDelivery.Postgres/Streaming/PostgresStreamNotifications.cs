using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>
/// A queue's "something was appended" flag: set by a notification, taken by the queue's receiver before it reads,
/// so a notification that arrives during a read makes the next poll read again.
/// </summary>
public sealed class QueueSignal
{
    private int _pending;

    public void Set() => Volatile.Write(ref _pending, 1);

    public bool TryTake() => Interlocked.Exchange(ref _pending, 0) == 1;
}

/// <summary>
/// One <c>LISTEN</c> connection per stream provider and node, started by the first receiver that asks: it sets the
/// <see cref="QueueSignal"/> of the queue each notification names. After (re)connecting it sets every signal, since
/// whatever was appended while nobody listened notified nobody.
/// </summary>
public sealed partial class PostgresStreamNotifications(PostgresStreamLog log, TimeProvider time, ILogger<PostgresStreamNotifications> logger)
    : IAsyncDisposable
{
    // A peer that vanished without closing the socket never fails a wait: ask it something this often.
    private static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<int, QueueSignal> _signals = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _listener;
    private bool _disposed;

    /// <summary>The signal of one queue; listening starts with the first call.</summary>
    public QueueSignal SignalOf(int queueId)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _listener ??= ListenAsync(_stopping.Token);
        }

        return _signals.GetOrAdd(queueId, _ => new QueueSignal());
    }

    /// <summary>Completes once the listening connection is subscribed (again, after a reconnect).</summary>
    public Task WhenListeningAsync()
    {
        lock (_lock)
        {
            return _listening.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task? listener;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            listener = _listener;
        }

        await _stopping.CancelAsync();
        if (listener is not null)
        {
            await listener;
        }

        _stopping.Dispose();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        // Leave the first receiver's initialisation at once; the connection opens in the background.
        await Task.Yield();
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await log.DataSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {log.NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                if (failures > 0)
                {
                    LogReconnected(logger, log.ProviderName, failures);
                }

                failures = 0;
                WakeAll();
                lock (_lock)
                {
                    _listening.TrySetResult();
                }

                try
                {
                    while (true)
                    {
                        if (!await connection.WaitAsync(PingInterval, cancellationToken))
                        {
                            await using var ping = new NpgsqlCommand("SELECT 1", connection);
                            await ping.ExecuteNonQueryAsync(cancellationToken);
                        }
                    }
                }
                finally
                {
                    connection.Notification -= OnNotification;
                    if (connection.State == System.Data.ConnectionState.Open)
                    {
                        // The connection goes back to the pool; it must not keep listening for its next user.
                        await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                        await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
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
                LogListenFailed(logger, exception, log.ProviderName, delay);
                try
                {
                    await Task.Delay(delay, time, cancellationToken);
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
        if (notification.Channel != log.NotificationChannel)
        {
            return;
        }

        if (int.TryParse(notification.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var queueId))
        {
            _signals.GetOrAdd(queueId, _ => new QueueSignal()).Set();
        }
        else
        {
            WakeAll();
        }
    }

    private void WakeAll()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Set();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {ProviderName} lost its LISTEN connection; reconnecting in {Delay}")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, string providerName, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {ProviderName} listens again after {Failures} failed attempts")]
    private static partial void LogReconnected(ILogger logger, string providerName, int failures);
}
