using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansDelivery.Runtime.Hosting;

namespace OrleansDelivery.Runtime.Postgres.Tests.Grains;

public interface IReminderProbeGrain : IGrainWithStringKey, IRemindable
{
    Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period);
}

/// <summary>Registers a reminder and notes which silo each tick arrived in.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain
{
    /// <summary>Per "key/reminder": the names of the silos the ticks arrived in, in order.</summary>
    public static ConcurrentDictionary<string, ConcurrentQueue<string>> Ticks { get; } = new();

    public async Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        await RegisterOrUpdateReminder(reminderName, dueTime, period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var silo = ServiceProvider.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName;
        Ticks.GetOrAdd($"{this.GetPrimaryKeyString()}/{reminderName}", _ => new()).Enqueue(silo);
        return Task.CompletedTask;
    }
}
