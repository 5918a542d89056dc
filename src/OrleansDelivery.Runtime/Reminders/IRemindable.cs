namespace OrleansDelivery.Runtime;

/// <summary>
/// Implemented by grains that register reminders. A reminder tick activates the grain if needed. Ticks can be
/// missed or repeated across failures, so the callback must be idempotent.
/// </summary>
public interface IRemindable : IGrain
{
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>When a reminder tick was due.</summary>
public readonly record struct TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>A handle on a registered reminder.</summary>
public interface IGrainReminder
{
    string ReminderName { get; }
}
