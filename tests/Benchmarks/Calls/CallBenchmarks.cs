using System.Diagnostics;
using OrleansDelivery.Benchmarks.Baselines;

namespace OrleansDelivery.Benchmarks.Calls;

/// <summary>
/// Grain calls per second, 64 callers over 1,000 grains: inside one silo beside raw channel-mailbox actors, and
/// from one silo to grains living on another beside the same calls made locally.
/// </summary>
public static class CallBenchmarks
{
    private const int Callers = 64;
    private const int Grains = 1000;

    public static async Task RunAsync(BenchmarkSettings settings)
    {
        Console.WriteLine();
        Console.WriteLine($"Grain calls: {Callers} concurrent callers over {Grains:N0} grains");

        using var siloA = await BenchmarkSilo.StartAsync();
        using var siloB = await BenchmarkSilo.StartAsync(BenchmarkSilo.Endpoint(siloA));

        // [PreferLocalPlacement]: grains activated through silo B's factory live on silo B.
        var onB = Enumerable.Range(0, Grains).Select(i => BenchmarkSilo.Grains(siloB).GetGrain<IAdderGrain>(i)).ToArray();
        await Task.WhenAll(onB.Select(grain => grain.AddOneAsync(0)));
        var fromA = Enumerable.Range(0, Grains).Select(i => BenchmarkSilo.Grains(siloA).GetGrain<IAdderGrain>(i)).ToArray();
        var actors = Enumerable.Range(0, Grains).Select(_ => new ChannelActorBaseline()).ToArray();

        Task<int> Local(int i) => onB[i % Grains].AddOneAsync(i);
        Task<int> Remote(int i) => fromA[i % Grains].AddOneAsync(i);
        Task<int> Raw(int i) => actors[i % Grains].AddOneAsync(i);

        foreach (var call in new Func<int, Task<int>>[] { Raw, Local, Remote })
        {
            await MeasureAsync(call, TimeSpan.FromSeconds(1)); // warm-up: JIT tiering, connections, directory caches
        }

        // Alternating short rounds, so machine noise falls on every variant alike.
        const int Rounds = 5;
        var round = settings.Duration / Rounds;
        double raw = 0, local = 0, remote = 0;
        for (var r = 0; r < Rounds; r++)
        {
            raw += await MeasureAsync(Raw, round) / Rounds;
            local += await MeasureAsync(Local, round) / Rounds;
            remote += await MeasureAsync(Remote, round) / Rounds;
        }

        // Asked after the rounds, through the same references the rounds used: where every call actually went.
        var siloOfB = BenchmarkSilo.Endpoint(siloB);
        var localOnB = (await Task.WhenAll(onB.Select(grain => grain.SiloAsync()))).Count(silo => silo.Endpoint.Equals(siloOfB));
        var remoteOnB = (await Task.WhenAll(fromA.Select(grain => grain.SiloAsync()))).Count(silo => silo.Endpoint.Equals(siloOfB));

        Report.Line("calls/s inside one silo", $"{local:N0}/s", $"{raw:N0}/s raw", $"ratio {local / raw:0.00} (channel-mailbox actors)");
        Report.Line("calls/s across two silos (loopback TCP)", $"{remote:N0}/s", $"{local:N0}/s local", $"ratio {remote / local:0.00}");
        Console.WriteLine($"  Both figures call the same {Grains:N0} grains, activated through silo B ([PreferLocalPlacement]). One silo: called");
        Console.WriteLine($"  through silo B's IGrainFactory, {localOnB:N0} of {Grains:N0} on silo B. Across: called through silo A's IGrainFactory,");
        Console.WriteLine($"  {remoteOnB:N0} of {Grains:N0} on silo B, so {remoteOnB / (double)Grains:P0} of those calls crossed silos.");

        foreach (var actor in actors)
        {
            actor.Stop();
        }

        await siloB.StopAsync();
        await siloA.StopAsync();
    }

    private static async Task<double> MeasureAsync(Func<int, Task<int>> call, TimeSpan duration)
    {
        var stop = false;
        var counts = new long[Callers];
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Callers).Select(worker => Task.Run(async () =>
        {
            var i = worker * 7919;
            long count = 0;
            while (!Volatile.Read(ref stop))
            {
                if (await call(i) != i + 1)
                {
                    throw new InvalidOperationException($"Wrong answer for {i}.");
                }

                i++;
                count++;
            }

            counts[worker] = count;
        })).ToArray();

        await Task.Delay(duration);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);
        return counts.Sum() / watch.Elapsed.TotalSeconds;
    }
}
