using OrleansDelivery.Benchmarks.Baselines;

namespace OrleansDelivery.Benchmarks.Memory;

public interface IIdleGrain : IGrainWithIntegerKey
{
    Task TouchAsync();
}

[Orleans.Placement.PreferLocalPlacement]
public sealed class IdleGrain : Grain, IIdleGrain
{
    public Task TouchAsync() => Task.CompletedTask;
}

/// <summary>Managed heap per idle activation of an empty grain, beside an idle channel-mailbox actor.</summary>
public static class ActivationMemoryBenchmark
{
    private const int Activations = 100_000;

    public static async Task RunAsync()
    {
        Console.WriteLine();
        Console.WriteLine($"Memory per idle activation of an empty grain, over {Activations:N0} activations");

        using var silo = await BenchmarkSilo.StartAsync();
        var grains = BenchmarkSilo.Grains(silo);
        await grains.GetGrain<IIdleGrain>(-1).TouchAsync();
        var before = BenchmarkSilo.SettledHeapBytes();
        for (var start = 0; start < Activations; start += 1000)
        {
            await Task.WhenAll(Enumerable.Range(start, 1000).Select(i => grains.GetGrain<IIdleGrain>(i).TouchAsync()));
        }

        var activationBytes = (BenchmarkSilo.SettledHeapBytes() - before) / Activations;
        var counts = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var alive = counts.Where(c => c.GrainType.Contains("IdleGrain", StringComparison.Ordinal)).Sum(c => c.ActivationCount);
        await silo.StopAsync();

        var baselineBytes = await IdleChannelActorBytesAsync();
        Report.Line("bytes per idle activation", $"{activationBytes:N0} B", $"{baselineBytes:N0} B", $"{alive:N0} activations alive when measured");
    }

    private static async Task<long> IdleChannelActorBytesAsync()
    {
        var before = BenchmarkSilo.SettledHeapBytes();
        var actors = new ChannelActorBaseline[Activations];
        for (var i = 0; i < actors.Length; i++)
        {
            actors[i] = new ChannelActorBaseline();
        }

        // Each actor's loop must have reached its first wait before it counts as idle.
        await Task.WhenAll(actors.Select((actor, i) => actor.AddOneAsync(i)));
        var bytes = (BenchmarkSilo.SettledHeapBytes() - before) / Activations;
        foreach (var actor in actors)
        {
            actor.Stop();
        }

        GC.KeepAlive(actors);
        return bytes;
    }
}
