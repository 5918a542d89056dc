using Microsoft.Extensions.Logging;
using OrleansDelivery.Runtime.Persistence;
using OrleansDelivery.Runtime.Timers;

namespace OrleansDelivery.Runtime.Activation;

internal enum ActivationState
{
    Activating,
    Valid,
    Deactivating,
    Invalid,
}

/// <summary>
/// One activation of a grain: its instance, its mailbox and its scheduler. All grain code of the activation —
/// turns and the continuations of their awaits — runs through <c>Execute</c>, one work item at a time,
/// so grain code never runs on two threads at once. Which waiting turns may start is decided under
/// <see cref="_lock"/> by the interleaving rules (<see cref="CanAdmit"/>).
/// </summary>
internal sealed partial class ActivationData : IThreadPoolWorkItem, IGrainActivationContext
{
    // Work items run per visit to the thread pool before the activation yields to others.
    private const int TurnBatchSize = 64;

    [ThreadStatic]
    private static ActivationData? _constructing;

    // How many activation runners are on this thread's stack: inline runs happen only at depth zero.
    [ThreadStatic]
    private static int _runnerDepth;

    private readonly Lock _lock = new();
    private readonly Queue<WorkItem> _runnable = new();
    private readonly GrainRuntime _runtime;
    private readonly GrainClassRegistration _class;
    private Queue<TurnContext>? _waiting;
    private TurnContext? _firstRunning;
    private List<TurnContext>? _moreRunning;
    private int _runningCount;
    private int _runningBlocking;
    private int _runningWriters;
    private bool _scheduled;
    private ActivationState _state = ActivationState.Activating;
    private object? _grain;
    private long _lastActivityTimestamp;
    private long _keepAliveUntilTimestamp;
    private DeactivationReason? _deactivateWhenIdle;
    private List<IActivationStateLoader>? _states;
    private List<GrainTimer>? _timers;
    private List<IAsyncDisposable>? _resources;
    private TaskCompletionSource? _ended;

    public ActivationData(GrainRuntime runtime, GrainClassRegistration grainClass, GrainId grainId)
    {
        _runtime = runtime;
        _class = grainClass;
        GrainId = grainId;
        _lastActivityTimestamp = runtime.TimeProvider.GetTimestamp();
    }

    /// <summary>The activation whose grain is being constructed on this thread, for <see cref="Grain"/>'s constructor.</summary>
    internal static ActivationData? Constructing => _constructing;

    public GrainId GrainId { get; }

    public GrainRuntime Runtime => _runtime;

    public GrainClassRegistration GrainClass => _class;

    public IServiceProvider Services => _runtime.Services;

    public object GrainInstance => _grain ?? throw new InvalidOperationException($"Grain {GrainId} has no instance.");

    internal ActivationState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Completes when the activation has ended (deactivated or failed to activate).</summary>
    public Task Ended
    {
        get
        {
            lock (_lock)
            {
                _ended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_state == ActivationState.Invalid)
                {
                    _ended.TrySetResult();
                }

                return _ended.Task;
            }
        }
    }

    /// <summary>Starts activating: constructs the grain, reads its state, runs OnActivateAsync.</summary>
    public void Activate()
    {
        var turn = new LifecycleTurn(this, deactivation: null);
        bool schedule;
        lock (_lock)
        {
            AdmitLifecycleLocked(turn);
            schedule = TryScheduleLocked();
        }

        ScheduleIf(schedule);
    }

    /// <summary>
    /// Queues a turn (a request, a timer tick, a stream delivery). False when this activation has ended and the
    /// turn must go to a new one; never runs grain code on the calling thread.
    /// </summary>
    public bool TryEnqueue(TurnContext turn)
    {
        bool schedule;
        DeadlockException? deadlock = null;
        lock (_lock)
        {
            if (_state == ActivationState.Invalid)
            {
                return false;
            }

            var waitingEmpty = _waiting is null || _waiting.Count == 0;
            var mayJumpQueue = (turn.TurnOptions & RequestOptions.AlwaysInterleave) != 0;
            if (_state == ActivationState.Valid && (waitingEmpty || mayJumpQueue) && CanAdmit(turn))
            {
                AdmitLocked(turn);
            }
            else if (IsWaitingOnItselfLocked(turn))
            {
                deadlock = CreateDeadlockException(turn);
            }
            else
            {
                (_waiting ??= new Queue<TurnContext>()).Enqueue(turn);
            }

            schedule = TryScheduleLocked();
        }

        if (deadlock is not null)
        {
            turn.Reject(deadlock);
        }

        // A call from outside any grain may start its turn on the caller's thread, like calling an async method:
        // the activation is claimed exactly as a pool thread would claim it, and the first await hands it back.
        ScheduleIf(schedule, runInline: turn is GrainRequest { Caller: null });
        return true;
    }

    /// <summary>Queues the continuation of an await made by grain code of <paramref name="turn"/>.</summary>
    public void EnqueueContinuation(TurnContext turn, SendOrPostCallback callback, object? state)
    {
        bool schedule;
        lock (_lock)
        {
            _runnable.Enqueue(new WorkItem(turn, callback, state));
            schedule = TryScheduleLocked();
        }

        ScheduleIf(schedule);
    }

    /// <summary>Called once a turn has finished: frees its slot and starts whatever may run next.</summary>
    public void OnTurnCompleted(TurnContext turn)
    {
        bool schedule;
        lock (_lock)
        {
            if (!turn.IsRunning)
            {
                return;
            }

            RemoveRunningLocked(turn);
            if (turn.CountsAsActivity)
            {
                _lastActivityTimestamp = _runtime.TimeProvider.GetTimestamp();
            }

            if (_runningCount == 0 && _deactivateWhenIdle is { } reason && _state == ActivationState.Valid)
            {
                BeginDeactivationLocked(reason);
            }
            else
            {
                PumpLocked();
            }

            schedule = TryScheduleLocked();
        }

        ScheduleIf(schedule);
    }

    void IThreadPoolWorkItem.Execute() => RunBatch(TurnBatchSize);

    /// <summary>
    /// Runs up to <paramref name="maxItems"/> work items on this thread, which holds the activation
    /// (<see cref="_scheduled"/>); then releases it, or hands the rest to the thread pool.
    /// </summary>
    private void RunBatch(int maxItems)
    {
        for (var i = 0; i < maxItems; i++)
        {
            WorkItem item;
            lock (_lock)
            {
                if (!_runnable.TryDequeue(out item))
                {
                    _scheduled = false;
                    return;
                }
            }

            Run(item);
        }

        lock (_lock)
        {
            if (_runnable.Count == 0)
            {
                _scheduled = false;
                return;
            }
        }

        // Still scheduled: come back after other work (or the inline caller) has had the thread.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private void Run(WorkItem item)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(item.Turn);
        _runnerDepth++;
        try
        {
            if (item.Callback is not null)
            {
                item.Callback(item.State);
            }
            else if (item.Turn.IsAbandoned)
            {
                // The caller has timed out already: running the request would do work nobody waits for.
                OnTurnCompleted(item.Turn);
            }
            else
            {
                item.Turn.Start(this);
            }
        }
        catch (Exception exception)
        {
            Log.WorkItemFailed(_runtime.Logger, exception, GrainId, item.Turn.Describe());
        }
        finally
        {
            _runnerDepth--;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>The interleaving rules: may <paramref name="turn"/> start next to what is running now?</summary>
    private bool CanAdmit(TurnContext turn)
    {
        if (_runningBlocking == 0 || _class.IsReentrant)
        {
            return true;
        }

        var options = turn.TurnOptions;
        if ((options & RequestOptions.AlwaysInterleave) != 0)
        {
            return true;
        }

        return (options & RequestOptions.ReadOnly) != 0 && _runningWriters == 0;
    }

    private void AdmitLocked(TurnContext turn)
    {
        turn.Activation = this;
        turn.IsRunning = true;
        AddRunningLocked(turn);
        if (turn.CountsAsActivity)
        {
            _lastActivityTimestamp = _runtime.TimeProvider.GetTimestamp();
        }

        _runnable.Enqueue(new WorkItem(turn, null, null));
    }

    /// <summary>Queues activation or deactivation; the caller schedules the runner.</summary>
    private void AdmitLifecycleLocked(LifecycleTurn turn)
    {
        turn.Activation = this;
        turn.IsRunning = true;
        _runnable.Enqueue(new WorkItem(turn, null, null));
    }

    private void PumpLocked()
    {
        while (_state == ActivationState.Valid && _waiting is { Count: > 0 } waiting)
        {
            var next = waiting.Peek();
            if (next.IsAbandoned)
            {
                waiting.Dequeue();
                continue;
            }

            if (!CanAdmit(next))
            {
                return;
            }

            waiting.Dequeue();
            AdmitLocked(next);
        }
    }

    private void AddRunningLocked(TurnContext turn)
    {
        _runningCount++;
        var options = turn.TurnOptions;
        if ((options & RequestOptions.AlwaysInterleave) == 0)
        {
            _runningBlocking++;
            if ((options & RequestOptions.ReadOnly) == 0)
            {
                _runningWriters++;
            }
        }

        if (_firstRunning is null)
        {
            _firstRunning = turn;
        }
        else
        {
            (_moreRunning ??= []).Add(turn);
        }
    }

    private void RemoveRunningLocked(TurnContext turn)
    {
        turn.IsRunning = false;
        _runningCount--;
        var options = turn.TurnOptions;
        if ((options & RequestOptions.AlwaysInterleave) == 0)
        {
            _runningBlocking--;
            if ((options & RequestOptions.ReadOnly) == 0)
            {
                _runningWriters--;
            }
        }

        if (ReferenceEquals(_firstRunning, turn))
        {
            _firstRunning = null;
            if (_moreRunning is { Count: > 0 } more)
            {
                _firstRunning = more[^1];
                more.RemoveAt(more.Count - 1);
            }
        }
        else
        {
            _moreRunning?.Remove(turn);
        }
    }

    /// <summary>
    /// A turn that cannot start now while one of the turns it is (transitively) called from is running here:
    /// that turn waits for this one, and this one would wait for that turn — a cycle no timeout should resolve.
    /// </summary>
    private bool IsWaitingOnItselfLocked(TurnContext turn)
    {
        for (var caller = turn.Caller; caller is not null; caller = caller.Caller)
        {
            if (ReferenceEquals(caller.Activation, this) && caller.IsRunning)
            {
                return true;
            }
        }

        return false;
    }

    private static DeadlockException CreateDeadlockException(TurnContext turn)
    {
        var chain = new List<string>();
        for (var link = turn; link is not null; link = link.Caller)
        {
            chain.Add(link.Describe());
        }

        chain.Reverse();
        return new DeadlockException(
            $"Deadlock: the non-reentrant call chain {string.Join(" -> ", chain)} comes back to a grain that is still waiting for it. " +
            "Mark the method [AlwaysInterleave] or [ReadOnly], the grain [Reentrant], or break the cycle.",
            chain);
    }

    private bool TryScheduleLocked()
    {
        if (_scheduled || _runnable.Count == 0)
        {
            return false;
        }

        _scheduled = true;
        return true;
    }

    private void ScheduleIf(bool schedule, bool runInline = false)
    {
        if (!schedule)
        {
            return;
        }

        if (runInline && _runnerDepth == 0)
        {
            // One item only: the caller gets its thread back at the turn's first await.
            RunBatch(1);
            return;
        }

        // The thread that made the work runnable (often one finishing I/O for this grain) picks it up next.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    private readonly record struct WorkItem(TurnContext Turn, SendOrPostCallback? Callback, object? State);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Grain {GrainId}: unhandled exception in {Turn}")]
        public static partial void WorkItemFailed(ILogger logger, Exception exception, GrainId grainId, string turn);

        [LoggerMessage(2, LogLevel.Warning, "Grain {GrainId} failed to activate")]
        public static partial void ActivationFailed(ILogger logger, Exception exception, GrainId grainId);

        [LoggerMessage(3, LogLevel.Warning, "Grain {GrainId}: OnDeactivateAsync failed ({Reason})")]
        public static partial void DeactivationFailed(ILogger logger, Exception exception, GrainId grainId, DeactivationReason reason);

        [LoggerMessage(4, LogLevel.Debug, "Grain {GrainId} deactivated: {Reason}")]
        public static partial void Deactivated(ILogger logger, GrainId grainId, DeactivationReason reason);

        [LoggerMessage(5, LogLevel.Warning, "Grain {GrainId}: timer callback failed")]
        public static partial void TimerFailed(ILogger logger, Exception exception, GrainId grainId);
    }
}
