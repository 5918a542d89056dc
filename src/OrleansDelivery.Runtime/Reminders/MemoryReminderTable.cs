using System.Collections.Concurrent;
using System.Globalization;

namespace OrleansDelivery.Runtime.Reminders;

/// <summary>Reminders in process memory: they live as long as the process (the durable table is PostgreSQL's).</summary>
public sealed class MemoryReminderTable : IReminderTable
{
    private readonly ConcurrentDictionary<(GrainId GrainId, string Name), ReminderEntry> _reminders = new();
    private long _version;

    public Task<ReminderEntry?> ReadAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        Task.FromResult(_reminders.TryGetValue((grainId, reminderName), out var entry) ? entry : null);

    public Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grainId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReminderEntry>>(_reminders.Values.Where(r => r.GrainId == grainId).ToList());

    public Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ReminderEntry>>(_reminders.Values.ToList());

    public Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        var eTag = Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture);
        _reminders[(entry.GrainId, entry.ReminderName)] = entry with { ETag = eTag };
        return Task.FromResult(eTag);
    }

    public Task<bool> RemoveAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        var key = (grainId, reminderName);
        var removed = _reminders.TryGetValue(key, out var current)
            && current.ETag == eTag
            && _reminders.TryRemove(new KeyValuePair<(GrainId, string), ReminderEntry>(key, current));
        return Task.FromResult(removed);
    }
}
