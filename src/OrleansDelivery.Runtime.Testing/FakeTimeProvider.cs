namespace OrleansDelivery.Runtime.Testing;

/// <summary>
/// A clock that moves only when a test says so. Timers created from it fire, in due order, on the thread
/// that calls <see cref="Advance"/>; their callbacks should only queue work (the runtime's do).
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _now;
    private long _ticks;

    public FakeTimeProvider(DateTimeOffset? start = null)
    {
        _now = start ?? new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _ticks;
        }
    }

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new FakeTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in order.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_lock)
        {
            target = _ticks + delta.Ticks;
        }

        while (true)
        {
            FakeTimer? next;
            lock (_lock)
            {
                next = null;
                foreach (var timer in _timers)
                {
                    if (timer.DueTicks <= target && (next is null || timer.DueTicks < next.DueTicks))
                    {
                        next = timer;
                    }
                }

                if (next is null)
                {
                    _now += TimeSpan.FromTicks(target - _ticks);
                    _ticks = target;
                    return;
                }

                if (next.DueTicks > _ticks)
                {
                    _now += TimeSpan.FromTicks(next.DueTicks - _ticks);
                    _ticks = next.DueTicks;
                }

                next.OnFiringLocked();
            }

            next.Fire();
        }
    }

    /// <summary>Number of timers armed now (for tests of the tests).</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count;
            }
        }
    }

    private sealed class FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        private long _periodTicks = -1;

        public long DueTicks { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
                _periodTicks = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? -1 : period.Ticks;
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    DueTicks = owner._ticks + Math.Max(0, dueTime.Ticks);
                    owner._timers.Add(this);
                }
            }

            return true;
        }

        public void OnFiringLocked()
        {
            owner._timers.Remove(this);
            if (_periodTicks > 0)
            {
                DueTicks += _periodTicks;
                owner._timers.Add(this);
            }
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
