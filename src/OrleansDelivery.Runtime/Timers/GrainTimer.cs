using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Timers;

/// <summary>
/// A timer bound to an activation. A tick is queued as a turn of the grain; the next tick is scheduled only once
/// the callback has completed, so ticks never overlap and a slow callback delays the next one.
/// </summary>
internal sealed class GrainTimer : TurnContext, IGrainTimer
{
    private readonly ActivationData _activation;
    private readonly Func<CancellationToken, Task> _callback;
    private readonly GrainTimerOptions _options;
    private readonly CancellationTokenSource _disposed = new();
    private readonly ITimer _timer;
    private TimeSpan _dueTime;
    private TimeSpan _period;
    private int _queued;

    public GrainTimer(ActivationData activation, Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        _activation = activation;
        _callback = callback;
        _options = options;
        _dueTime = options.DueTime;
        _period = options.Period;
        _timer = activation.Runtime.TimeProvider.CreateTimer(
            static state => ((GrainTimer)state!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    internal override RequestOptions TurnOptions => _options.Interleave ? RequestOptions.AlwaysInterleave : RequestOptions.None;

    internal override bool CountsAsActivity => _options.KeepAlive;

    public void Start() => Arm(_dueTime);

    public void Change(TimeSpan dueTime, TimeSpan period)
    {
        _dueTime = dueTime;
        _period = period;
        Arm(dueTime);
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }

    internal override string Describe() => $"{_activation.GrainId}.timer";

    internal override void Reject(Exception reason) => Interlocked.Exchange(ref _queued, 0);

    internal override void Start(ActivationData activation)
    {
        Task tick;
        try
        {
            tick = _callback(_disposed.Token);
        }
        catch (Exception exception)
        {
            Finish(exception);
            return;
        }

        if (tick.IsCompleted)
        {
            Finish(tick.Exception?.InnerException);
        }
        else
        {
            tick.ContinueWith(
                static (completed, state) => ((GrainTimer)state!).Finish(completed.Exception?.InnerException),
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private void Arm(TimeSpan dueTime)
    {
        if (!_disposed.IsCancellationRequested && dueTime != Timeout.InfiniteTimeSpan)
        {
            _timer.Change(dueTime, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTick()
    {
        // A tick that finds the previous one still queued or running is dropped: ticks never overlap.
        if (_disposed.IsCancellationRequested || Interlocked.Exchange(ref _queued, 1) == 1)
        {
            return;
        }

        if (!_activation.TryEnqueue(this))
        {
            Dispose();
        }
    }

    private void Finish(Exception? failure)
    {
        if (failure is not null and not OperationCanceledException)
        {
            _activation.OnTimerFailed(failure);
        }

        _activation.OnTurnCompleted(this);
        Interlocked.Exchange(ref _queued, 0);
        if (_period != Timeout.InfiniteTimeSpan)
        {
            Arm(_period);
        }
    }
}
