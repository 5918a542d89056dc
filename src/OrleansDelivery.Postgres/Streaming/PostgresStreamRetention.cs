using Microsoft.Extensions.Logging;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>
/// Deletes a provider's messages past its retention every <c>RetentionPeriod</c>, on every silo but one at a time (an
/// advisory lock decides), and never a message its queue's checkpoint has not passed: a queue whose subscribers are
/// stuck keeps its backlog however old, for whichever silo reads it next.
/// </summary>
internal sealed partial class PostgresStreamRetention(
    string providerName,
    PostgresStreamStore store,
    PostgresStreamOptions options,
    TimeProvider time,
    ILogger<PostgresStreamRetention> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        $"{nameof(PostgresStreamRetention)}-{providerName}",
        ServiceLifecycleStage.Active,
        _ =>
        {
            _loop = TrimPeriodicallyAsync(_stopping.Token);
            return Task.CompletedTask;
        },
        async _ =>
        {
            await _stopping.CancelAsync();
            if (_loop is not null)
            {
                await _loop;
            }
        });

    private async Task TrimPeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.RetentionPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    if (await store.Log.TrimAsync(options.Retention, cancellationToken) is > 0 and var removed)
                    {
                        LogTrimmed(logger, providerName, removed);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // PostgreSQL away or busy: the next period tries again; nothing depends on a trim being on time.
                    LogTrimFailed(logger, exception, providerName);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream provider {ProviderName} deleted {Count} messages past their retention")]
    private static partial void LogTrimmed(ILogger logger, string providerName, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream provider {ProviderName} could not apply its retention; trying again next period")]
    private static partial void LogTrimFailed(ILogger logger, Exception exception, string providerName);
}
