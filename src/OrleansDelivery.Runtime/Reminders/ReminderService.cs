using Microsoft.Extensions.Logging;
using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Reminders;

/// <summary>
/// Runs the reminders of the service: reads them from the table at start, polls it for changes made elsewhere,
/// and at each due time calls the grain's <see cref="IRemindable.ReceiveReminder"/>, activating it if needed.
/// Missed ticks (while the silo was down) are not replayed one by one: the next tick is the next due time.
/// </summary>
internal sealed partial class ReminderService(GrainRuntime runtime, IReminderTable table) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId, string), LocalReminder> _scheduled = [];
    private ITimer? _refreshTimer;
    private bool _stopped;

    public IReminderTable Table => table;

    private GrainRuntime Runtime => runtime;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await table.InitializeAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
        var period = runtime.Options.ReminderRefreshPeriod;
        _refreshTimer = runtime.TimeProvider.CreateTimer(
            static state => _ = ((ReminderService)state!).RefreshInBackgroundAsync(), this, period, period);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _stopped = true;
            foreach (var reminder in _scheduled.Values)
            {
                reminder.Dispose();
            }

            _scheduled.Clear();
        }

        if (_refreshTimer is not null)
        {
            await _refreshTimer.DisposeAsync();
        }
    }

    public async Task<IGrainReminder> RegisterOrUpdateAsync(Grain grain, string reminderName, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        if (grain is not IRemindable)
        {
            throw new InvalidOperationException($"Grain {grain.GrainId} registers reminder '{reminderName}' but does not implement IRemindable.");
        }

        if (period < runtime.Options.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period,
                $"Reminder periods must be at least {runtime.Options.MinimumReminderPeriod}; use a grain timer for shorter ones.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        var entry = new ReminderEntry(grain.GrainId, reminderName, runtime.TimeProvider.GetUtcNow() + dueTime, period);
        var eTag = await table.UpsertAsync(entry, cancellationToken);
        entry = entry with { ETag = eTag };
        Schedule(entry);
        return entry;
    }

    public async Task UnregisterAsync(GrainId grainId, IGrainReminder reminder, CancellationToken cancellationToken)
    {
        var current = await table.ReadAsync(grainId, reminder.ReminderName, cancellationToken);
        if (current?.ETag is { } eTag)
        {
            await table.RemoveAsync(grainId, reminder.ReminderName, eTag, cancellationToken);
        }

        Unschedule(grainId, reminder.ReminderName);
    }

    public async Task<IGrainReminder?> GetAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        await table.ReadAsync(grainId, reminderName, cancellationToken);

    public async Task<IReadOnlyList<IGrainReminder>> GetAllAsync(GrainId grainId, CancellationToken cancellationToken) =>
        await table.ReadAsync(grainId, cancellationToken);

    /// <summary>Brings the local schedule in line with the table.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var stored = await table.ReadAllAsync(cancellationToken);
        var keep = new HashSet<(GrainId, string)>();
        foreach (var entry in stored)
        {
            keep.Add((entry.GrainId, entry.ReminderName));
            Schedule(entry);
        }

        lock (_lock)
        {
            foreach (var key in _scheduled.Keys.Where(k => !keep.Contains(k)).ToList())
            {
                _scheduled[key].Dispose();
                _scheduled.Remove(key);
            }
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync(runtime.StoppingToken);
        }
        catch (Exception exception) when (!runtime.StoppingToken.IsCancellationRequested)
        {
            Log.RefreshFailed(runtime.Logger, exception);
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping.
        }
    }

    private void Schedule(ReminderEntry entry)
    {
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            var key = (entry.GrainId, entry.ReminderName);
            if (_scheduled.TryGetValue(key, out var existing))
            {
                if (existing.Entry.ETag == entry.ETag)
                {
                    return;
                }

                existing.Dispose();
            }

            _scheduled[key] = new LocalReminder(this, entry);
        }
    }

    private void Unschedule(GrainId grainId, string reminderName)
    {
        lock (_lock)
        {
            if (_scheduled.Remove((grainId, reminderName), out var existing))
            {
                existing.Dispose();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Reading the reminder table failed; will retry at the next refresh")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);

        [LoggerMessage(21, LogLevel.Warning, "Reminder {ReminderName} of grain {GrainId} failed to tick")]
        public static partial void TickFailed(ILogger logger, Exception exception, GrainId grainId, string reminderName);
    }

    /// <summary>One reminder's timer on this silo.</summary>
    private sealed class LocalReminder : IDisposable
    {
        private readonly ReminderService _service;
        private readonly ITimer _timer;
        private int _disposed;

        public LocalReminder(ReminderService service, ReminderEntry entry)
        {
            _service = service;
            Entry = entry;
            _timer = service.Runtime.TimeProvider.CreateTimer(
                static state => _ = ((LocalReminder)state!).TickAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Arm();
        }

        public ReminderEntry Entry { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _timer.Dispose();
            }
        }

        private void Arm()
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                var now = _service.Runtime.TimeProvider.GetUtcNow();
                var delay = NextDue(now) - now;
                _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
            }
        }

        /// <summary>The first due time at or after <paramref name="now"/>.</summary>
        private DateTimeOffset NextDue(DateTimeOffset now)
        {
            if (now <= Entry.StartAt)
            {
                return Entry.StartAt;
            }

            var periods = Math.Ceiling((now - Entry.StartAt).Ticks / (double)Entry.Period.Ticks);
            return Entry.StartAt + TimeSpan.FromTicks((long)periods * Entry.Period.Ticks);
        }

        private async Task TickAsync()
        {
            var runtime = _service.Runtime;
            var now = runtime.TimeProvider.GetUtcNow();
            var request = new ReminderTickRequest
            {
                ReminderName = Entry.ReminderName,
                Status = new TickStatus(Entry.StartAt, Entry.Period, now),
            };

            try
            {
                runtime.Send(Entry.GrainId, request);
                await request.ResultTask;
            }
            catch (Exception exception)
            {
                Log.TickFailed(runtime.Logger, exception, Entry.GrainId, Entry.ReminderName);
            }

            // Skip past the tick just made even when the clock has not moved (a fake clock in tests).
            var next = NextDue(now + TimeSpan.FromTicks(1));
            if (Volatile.Read(ref _disposed) == 0)
            {
                var delay = next - runtime.TimeProvider.GetUtcNow();
                _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
            }
        }
    }
}
