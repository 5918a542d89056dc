using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Runtime.Persistence;
using OrleansDelivery.Runtime.Timers;

namespace OrleansDelivery.Runtime.Activation;

/// <summary>Activation, deactivation, idle collection and the services a grain gets from its activation.</summary>
internal sealed partial class ActivationData
{
    public T GetService<T>() where T : notnull =>
        Services.GetService<T>() ?? throw new GrainActivationException(
            $"Grain {GrainId} ({_class.ClassType.Name}) needs a {typeof(T).Name}, but no such service is registered.");

    public IPersistentState<TState> GetPersistentState<TState>(string stateName, string storageName) where TState : new()
    {
        var storage = Services.GetKeyedService<IGrainStorage>(storageName) ?? throw new GrainActivationException(
            $"Grain {GrainId} ({_class.ClassType.Name}) uses grain storage '{storageName}' for state '{stateName}', but no such storage is registered.");
        var state = new PersistentState<TState>(this, stateName, storage);
        (_states ??= []).Add(state);
        return state;
    }

    /// <summary>Deactivates once no turn is running; later calls go to a fresh activation.</summary>
    public void DeactivateOnIdle(DeactivationReason reason)
    {
        bool schedule = false;
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return;
            }

            // While activating, this is remembered and acted on as soon as the activation is ready.
            _deactivateWhenIdle ??= reason;
            if (_state == ActivationState.Valid && _runningCount == 0)
            {
                BeginDeactivationLocked(reason);
                schedule = TryScheduleLocked();
            }
        }

        ScheduleIf(schedule);
    }

    public void DelayDeactivation(TimeSpan timeSpan)
    {
        var time = _runtime.TimeProvider;
        lock (_lock)
        {
            _keepAliveUntilTimestamp = time.GetTimestamp() + (long)(timeSpan.TotalSeconds * time.TimestampFrequency);
        }
    }

    /// <summary>Starts deactivation when the activation has been idle for its collection age.</summary>
    public bool TryCollectIdle(long nowTimestamp)
    {
        bool schedule;
        lock (_lock)
        {
            var idleFor = _runtime.TimeProvider.GetElapsedTime(_lastActivityTimestamp, nowTimestamp);
            if (_state != ActivationState.Valid
                || _runningCount > 0
                || _waiting is { Count: > 0 }
                || nowTimestamp < _keepAliveUntilTimestamp
                || idleFor < _class.CollectionAge)
            {
                return false;
            }

            BeginDeactivationLocked(new DeactivationReason(
                DeactivationReasonCode.ActivationIdle, $"Idle for {idleFor.TotalMinutes:0.#} minutes."));
            schedule = TryScheduleLocked();
        }

        ScheduleIf(schedule);
        return true;
    }

    /// <summary>Adds the requests of this activation whose caller's deadline has passed.</summary>
    public void CollectExpiredRequests(long nowTimestamp, List<GrainRequest> expired)
    {
        lock (_lock)
        {
            if (_firstRunning is null && _waiting is not { Count: > 0 })
            {
                return;
            }

            AddIfExpired(_firstRunning, nowTimestamp, expired);
            if (_moreRunning is not null)
            {
                foreach (var turn in _moreRunning)
                {
                    AddIfExpired(turn, nowTimestamp, expired);
                }
            }

            if (_waiting is not null)
            {
                foreach (var turn in _waiting)
                {
                    AddIfExpired(turn, nowTimestamp, expired);
                }
            }
        }

        static void AddIfExpired(TurnContext? turn, long now, List<GrainRequest> expired)
        {
            if (turn is GrainRequest request && !request.IsAbandoned && request.DeadlineTimestamp <= now)
            {
                expired.Add(request);
            }
        }
    }

    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        var timer = new GrainTimer(this, callback, options);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                throw new InvalidOperationException($"Grain {GrainId} is deactivating; it cannot start a timer.");
            }

            (_timers ??= []).Add(timer);
        }

        timer.Start();
        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers?.Remove(timer);
        }
    }

    /// <summary>Ties a resource (such as a stream subscription) to this activation: it is disposed when the activation ends.</summary>
    public bool TryAddResource(IAsyncDisposable resource)
    {
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Invalid)
            {
                return false;
            }

            (_resources ??= []).Add(resource);
            return true;
        }
    }

    public void RemoveResource(IAsyncDisposable resource)
    {
        lock (_lock)
        {
            _resources?.Remove(resource);
        }
    }

    private void BeginDeactivationLocked(DeactivationReason reason)
    {
        _state = ActivationState.Deactivating;
        _deactivateWhenIdle = null;
        AdmitLifecycleLocked(new LifecycleTurn(this, reason));
    }

    /// <summary>Runs on the activation, as the lifecycle turn.</summary>
    private async Task RunActivationAsync(LifecycleTurn turn)
    {
        try
        {
            _constructing = this;
            try
            {
                _grain = _class.Descriptor.Create(this);
            }
            finally
            {
                _constructing = null;
            }

            if (_grain is not Grain grain)
            {
                throw new GrainActivationException($"{_class.ClassType.Name} does not derive from Grain.");
            }

            var cancellation = _runtime.StoppingToken;
            if (_states is not null)
            {
                foreach (var state in _states)
                {
                    await state.ReadStateAsync(cancellation);
                }
            }

            await grain.OnActivateAsync(cancellation);
        }
        catch (Exception exception)
        {
            Log.ActivationFailed(_runtime.Logger, exception, GrainId);
            List<TurnContext> failed;
            lock (_lock)
            {
                failed = EndLocked(turn);
            }

            // The queued calls learn why; the next call finds no activation and tries afresh.
            foreach (var waiting in failed)
            {
                waiting.Reject(exception);
            }

            await DisposeResourcesAsync();
            _ended?.TrySetResult();
            return;
        }

        bool schedule;
        lock (_lock)
        {
            turn.IsRunning = false;
            _state = ActivationState.Valid;
            _lastActivityTimestamp = _runtime.TimeProvider.GetTimestamp();
            if (_deactivateWhenIdle is { } reason && _runningCount == 0)
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

    /// <summary>Runs on the activation, as the lifecycle turn, once no other turn is running.</summary>
    private async Task RunDeactivationAsync(LifecycleTurn turn, DeactivationReason reason)
    {
        try
        {
            await ((Grain)GrainInstance).OnDeactivateAsync(reason, _runtime.StoppingToken);
        }
        catch (Exception exception)
        {
            Log.DeactivationFailed(_runtime.Logger, exception, GrainId, reason);
        }

        await DisposeResourcesAsync();
        List<TurnContext> leftovers;
        lock (_lock)
        {
            leftovers = EndLocked(turn);
        }

        Log.Deactivated(_runtime.Logger, GrainId, reason);

        // Calls that arrived while deactivating were never run: they go to the next activation.
        foreach (var waiting in leftovers)
        {
            if (waiting is GrainRequest request)
            {
                _runtime.Deliver(request);
            }
            else
            {
                waiting.Reject(new GrainActivationException($"Grain {GrainId} was deactivated: {reason}."));
            }
        }

        _ended?.TrySetResult();
    }

    private List<TurnContext> EndLocked(LifecycleTurn turn)
    {
        turn.IsRunning = false;
        _state = ActivationState.Invalid;
        _runtime.Catalog.Remove(this);
        var leftovers = new List<TurnContext>();
        if (_waiting is not null)
        {
            leftovers.AddRange(_waiting);
            _waiting.Clear();
        }

        return leftovers;
    }

    private async Task DisposeResourcesAsync()
    {
        GrainTimer[] timers;
        IAsyncDisposable[] resources;
        lock (_lock)
        {
            timers = _timers?.ToArray() ?? [];
            resources = _resources?.ToArray() ?? [];
            _timers = null;
            _resources = null;
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }

        foreach (var resource in resources)
        {
            try
            {
                await resource.DisposeAsync();
            }
            catch (Exception exception)
            {
                Log.WorkItemFailed(_runtime.Logger, exception, GrainId, "disposing a subscription");
            }
        }
    }

    /// <summary>Ends the activation on the spot, running no grain code, as a crash of the silo would.</summary>
    public void Kill()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            _state = ActivationState.Invalid;
            timers = _timers?.ToArray() ?? [];
            _timers = null;
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    internal void OnTimerFailed(Exception exception) => Log.TimerFailed(_runtime.Logger, exception, GrainId);

    /// <summary>Activation and deactivation run as this turn, so their awaits come back to the activation too.</summary>
    private sealed class LifecycleTurn(ActivationData activation, DeactivationReason? deactivation) : TurnContext
    {
        internal override RequestOptions TurnOptions => RequestOptions.None;

        internal override bool CountsAsActivity => false;

        internal override string Describe() => deactivation is null
            ? $"{activation.GrainId}.OnActivateAsync"
            : $"{activation.GrainId}.OnDeactivateAsync";

        internal override void Start(ActivationData target) =>
            _ = deactivation is { } reason ? target.RunDeactivationAsync(this, reason) : target.RunActivationAsync(this);

        internal override void Reject(Exception reason)
        {
        }
    }
}
