namespace OrleansDelivery.Postgres.Tests.Grains;

/// <summary>Counts the ticks of one durable reminder, in persisted state, so a restarted cluster can be asked.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task ScheduleAsync(TimeSpan dueTime);

    Task<int> GetTicksAsync();

    /// <summary>Unregisters the reminder; false when there was none.</summary>
    Task<bool> CancelAsync();
}

[GenerateSerializer, Alias("test.reminder-probe-state")]
public sealed record ReminderProbeState
{
    [Id(0)]
    public int Ticks { get; init; }
}

public sealed class ReminderProbeGrain([PersistentState("probe")] IPersistentState<ReminderProbeState> probe)
    : Grain, IReminderProbeGrain, IRemindable
{
    public const string ReminderName = "tick";

    public async Task ScheduleAsync(TimeSpan dueTime) =>
        await this.RegisterOrUpdateReminder(ReminderName, dueTime, TimeSpan.FromMinutes(1));

    public Task<int> GetTicksAsync() => Task.FromResult(probe.State.Ticks);

    public async Task<bool> CancelAsync()
    {
        if (await this.GetReminder(ReminderName) is not { } reminder)
        {
            return false;
        }

        await this.UnregisterReminder(reminder);
        return true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.State = probe.State with { Ticks = probe.State.Ticks + 1 };
        await probe.WriteStateAsync();
    }
}
