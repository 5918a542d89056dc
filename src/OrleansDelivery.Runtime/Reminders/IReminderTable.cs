namespace OrleansDelivery.Runtime;

/// <summary>One durable reminder: it first ticks at <see cref="StartAt"/>, then every <see cref="Period"/>.</summary>
public sealed record ReminderEntry(GrainId GrainId, string ReminderName, DateTimeOffset StartAt, TimeSpan Period, string? ETag = null)
    : IGrainReminder;

/// <summary>
/// Where reminders are kept, per service. The silo reads it when it starts and polls it afterwards, so a
/// reminder survives restarts of the silo that registered it.
/// </summary>
public interface IReminderTable
{
    /// <summary>Prepares the table (for example checks the schema); called once as the silo starts.</summary>
    Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task<ReminderEntry?> ReadAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken);

    Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grainId, CancellationToken cancellationToken);

    /// <summary>Every reminder of the service.</summary>
    Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the reminder; returns the new ETag.</summary>
    Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes the reminder when its ETag matches; false when it had already changed or gone.</summary>
    Task<bool> RemoveAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken);
}
