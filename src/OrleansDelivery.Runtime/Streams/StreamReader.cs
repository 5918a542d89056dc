namespace OrleansDelivery.Runtime.Streams;

/// <summary>
/// Reads one stream's log from a position and hands each event, in order, to a delivery callback; sleeps until
/// the log says it grew. Shared by explicit subscriptions and implicit grain deliveries.
/// </summary>
internal sealed class StreamReader(
    LogStreamProvider provider,
    StreamId streamId,
    long afterSequence,
    Func<StoredStreamEvent, CancellationToken, Task> deliverAsync,
    Func<long, long, Task>? onEventsLostAsync = null)
{
    private const int BatchSize = 256;
    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(provider.StoppingToken);
    private long _cursor = afterSequence;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>The sequence of the last event handed to the callback.</summary>
    public long Cursor => Volatile.Read(ref _cursor);

    public void Start() => Completion = Task.Run(RunAsync);

    public void Signal()
    {
        // At most one pending wake-up is needed: the reader reads everything new each time it wakes.
        if (_wakeUp.CurrentCount == 0)
        {
            try
            {
                _wakeUp.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Completion;
    }

    private async Task RunAsync()
    {
        var token = _stop.Token;
        using var watch = provider.Log.Watch(streamId, Signal);
        while (!token.IsCancellationRequested)
        {
            try
            {
                var batch = await provider.Log.ReadAsync(streamId, _cursor, BatchSize, token);
                if (batch.Count == 0)
                {
                    await _wakeUp.WaitAsync(token);
                    continue;
                }

                foreach (var storedEvent in batch)
                {
                    if (storedEvent.Sequence > _cursor + 1 && onEventsLostAsync is not null)
                    {
                        await onEventsLostAsync(_cursor + 1, storedEvent.Sequence - 1);
                    }

                    await deliverAsync(storedEvent, token);
                    Volatile.Write(ref _cursor, storedEvent.Sequence);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (ActivationEndedException)
            {
                return;
            }
            catch (Exception exception)
            {
                LogStreamProvider.Logs.ReadFailed(provider.Runtime.Logger, exception, streamId);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), provider.Runtime.TimeProvider, token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

/// <summary>The activation a subscription delivered to has ended; the subscription ends with it.</summary>
internal sealed class ActivationEndedException() : Exception("The subscribing activation has ended.");
