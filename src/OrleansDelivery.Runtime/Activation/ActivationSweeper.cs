using Microsoft.Extensions.Logging;

namespace OrleansDelivery.Runtime.Activation;

/// <summary>
/// Two periodic sweeps over the catalog: callers whose deadline passed get a <see cref="TimeoutException"/>,
/// and activations idle past their collection age are deactivated. Both run on the silo's
/// <see cref="TimeProvider"/>, so tests drive them with a fake clock.
/// </summary>
internal sealed partial class ActivationSweeper(GrainRuntime runtime) : IAsyncDisposable
{
    private ITimer? _timeoutTimer;
    private ITimer? _collectionTimer;
    private int _sweepingTimeouts;

    public void Start()
    {
        var options = runtime.Options;
        _timeoutTimer = runtime.TimeProvider.CreateTimer(
            static state => ((ActivationSweeper)state!).SweepTimeouts(), this, options.TimeoutCheckPeriod, options.TimeoutCheckPeriod);
        _collectionTimer = runtime.TimeProvider.CreateTimer(
            static state => ((ActivationSweeper)state!).CollectIdle(), this, options.CollectionQuantum, options.CollectionQuantum);
    }

    public async ValueTask DisposeAsync()
    {
        if (_timeoutTimer is not null)
        {
            await _timeoutTimer.DisposeAsync();
        }

        if (_collectionTimer is not null)
        {
            await _collectionTimer.DisposeAsync();
        }
    }

    /// <summary>Fails every call whose caller has waited longer than the response timeout.</summary>
    public int SweepTimeouts()
    {
        if (Interlocked.Exchange(ref _sweepingTimeouts, 1) == 1)
        {
            return 0;
        }

        try
        {
            var now = runtime.TimeProvider.GetTimestamp();
            var expired = new List<GrainRequest>();
            foreach (var activation in runtime.Catalog.Activations)
            {
                activation.CollectExpiredRequests(now, expired);
            }

            var timedOut = 0;
            foreach (var request in expired)
            {
                if (request.TryTimeout(runtime.Options.ResponseTimeout))
                {
                    timedOut++;
                    Log.CallTimedOut(runtime.Logger, request.Target, request.MethodName);
                }
            }

            return timedOut;
        }
        finally
        {
            Volatile.Write(ref _sweepingTimeouts, 0);
        }
    }

    /// <summary>Starts deactivating every activation idle past its collection age.</summary>
    public int CollectIdle()
    {
        var now = runtime.TimeProvider.GetTimestamp();
        var collected = 0;
        foreach (var activation in runtime.Catalog.Activations)
        {
            if (activation.TryCollectIdle(now))
            {
                collected++;
            }
        }

        return collected;
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Warning, "Call {Method} to grain {GrainId} timed out")]
        public static partial void CallTimedOut(ILogger logger, GrainId grainId, string method);
    }
}
