using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime;

/// <summary>
/// Base class of every grain. The runtime creates grains (never <c>new</c> one yourself); a grain lives on one
/// activation, runs one turn at a time, and may be collected when idle and activated again later.
/// </summary>
public abstract class Grain
{
    private readonly ActivationData _activation;

    protected Grain()
    {
        _activation = ActivationData.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} is a grain: get it from IGrainFactory.GetGrain instead of constructing it.");
    }

    internal ActivationData Activation => _activation;

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => _activation.GrainId;

    /// <summary>For calls to other grains.</summary>
    protected IGrainFactory GrainFactory => _activation.Runtime.GrainFactory;

    /// <summary>The silo's services.</summary>
    protected IServiceProvider ServiceProvider => _activation.Runtime.Services;

    /// <summary>The silo's clock; tests drive it.</summary>
    protected TimeProvider TimeProvider => _activation.Runtime.TimeProvider;

    /// <summary>Runs after the persistent states are read and before the first call is handled.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the activation goes away; not guaranteed after a crash.</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deactivates this grain once the current turn has finished; the next call activates it afresh.</summary>
    protected void DeactivateOnIdle() => _activation.DeactivateOnIdle(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The grain called DeactivateOnIdle."));

    /// <summary>Keeps this activation from being collected as idle for at least <paramref name="timeSpan"/>.</summary>
    protected void DelayDeactivation(TimeSpan timeSpan) => _activation.DelayDeactivation(timeSpan);

    /// <summary>
    /// Starts a timer bound to this activation. Each tick runs as a turn of the grain (not interleaved with calls
    /// unless <see cref="GrainTimerOptions.Interleave"/>), and the next tick is scheduled only after the callback
    /// completes. The timer stops when the activation ends.
    /// </summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period) =>
        RegisterGrainTimer(callback, new GrainTimerOptions { DueTime = dueTime, Period = period });

    /// <inheritdoc cref="RegisterGrainTimer(Func{CancellationToken, Task}, TimeSpan, TimeSpan)"/>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options) =>
        _activation.RegisterTimer(callback, options);

    /// <summary>Registers or updates a durable reminder; the grain must implement <see cref="IRemindable"/>.</summary>
    protected Task<IGrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        _activation.Runtime.Reminders.RegisterOrUpdateAsync(this, reminderName, dueTime, period, CancellationToken.None);

    /// <summary>Removes a reminder registered by this grain.</summary>
    protected Task UnregisterReminder(IGrainReminder reminder) =>
        _activation.Runtime.Reminders.UnregisterAsync(GrainId, reminder, CancellationToken.None);

    /// <summary>This grain's reminder of that name, or null.</summary>
    protected Task<IGrainReminder?> GetReminder(string reminderName) =>
        _activation.Runtime.Reminders.GetAsync(GrainId, reminderName, CancellationToken.None);

    /// <summary>All of this grain's reminders.</summary>
    protected Task<IReadOnlyList<IGrainReminder>> GetReminders() =>
        _activation.Runtime.Reminders.GetAllAsync(GrainId, CancellationToken.None);

    /// <summary>A stream provider registered with the silo.</summary>
    protected IStreamProvider GetStreamProvider(string name = StreamProviderNames.Default) =>
        _activation.Runtime.GetStreamProvider(name);
}

/// <summary>Options for <see cref="Grain.RegisterGrainTimer(Func{CancellationToken, Task}, GrainTimerOptions)"/>.</summary>
public sealed record GrainTimerOptions
{
    public TimeSpan DueTime { get; init; }

    /// <summary>Time between the end of one callback and the next tick; <see cref="Timeout.InfiniteTimeSpan"/> for a single tick.</summary>
    public TimeSpan Period { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Let ticks interleave with calls instead of waiting their turn.</summary>
    public bool Interleave { get; init; }

    /// <summary>Count ticks as activity, keeping the grain from being collected while the timer runs.</summary>
    public bool KeepAlive { get; init; }
}

/// <summary>A timer bound to an activation.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Reschedules the timer.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>Why an activation ended.</summary>
public enum DeactivationReasonCode
{
    None,
    ActivationIdle,
    ApplicationRequested,
    ActivationFailed,
    InconsistentState,
    ShuttingDown,
}

/// <summary>Why an activation ended, with a readable description.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description)
{
    public override string ToString() => $"{Code}: {Description}";
}

/// <summary>Key accessors for grains, as in Orleans.</summary>
public static class GrainKeyExtensions
{
    public static string GetPrimaryKeyString(this Grain grain) => grain.GrainId.Key;

    public static Guid GetPrimaryKey(this Grain grain) => Guid.ParseExact(grain.GrainId.Key, "N");

    public static long GetPrimaryKeyLong(this Grain grain) => long.Parse(grain.GrainId.Key, System.Globalization.CultureInfo.InvariantCulture);

    public static GrainId GetGrainId(this IGrain grain) => grain is GrainReference reference
        ? reference.GrainId
        : throw new ArgumentException("Not a grain reference; use IGrainFactory.GetGrain.", nameof(grain));
}
