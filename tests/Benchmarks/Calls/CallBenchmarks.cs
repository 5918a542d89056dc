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

        var variants = new (string Name, Func<int, Task<int>> Call, CpuMeter Cpu)[]
        {
            ("raw channel actors", Raw, new CpuMeter()),
            ("one silo", Local, new CpuMeter()),
            ("across two silos", Remote, new CpuMeter()),
        };

        // Warm-up: JIT tiering, connections, directory caches.
        var warmup = await Warmup.UntilJitQuietAsync(
            async () =>
            {
                foreach (var variant in variants)
                {
                    await MeasureAsync(variant.Call, TimeSpan.FromSeconds(1));
                }
            },
            TimeSpan.FromSeconds(60));
        Console.WriteLine($"  {warmup}");

        // Alternating short rounds, so machine noise falls on every variant alike; each round starts with another.
        const int Rounds = 5;
        var round = settings.Duration / Rounds;
        var rates = new double[variants.Length];
        for (var r = 0; r < Rounds; r++)
        {
            for (var i = 0; i < variants.Length; i++)
            {
                var v = (r + i) % variants.Length;
                var (_, call, cpu) = variants[v];
                rates[v] += await cpu.MeasureAsync(() => MeasureAsync(call, round)) / Rounds;
            }
        }

        var (raw, local, remote) = (rates[0], rates[1], rates[2]);

        // Asked after the rounds, through the same references the rounds used: where every call actually went.
        var siloOfB = BenchmarkSilo.Endpoint(siloB);
        var localOnB = (await Task.WhenAll(onB.Select(grain => grain.SiloAsync()))).Count(silo => silo.Endpoint.Equals(siloOfB));
        var remoteOnB = (await Task.WhenAll(fromA.Select(grain => grain.SiloAsync()))).Count(silo => silo.Endpoint.Equals(siloOfB));

        Report.Line("calls/s inside one silo", $"{local:N0}/s", $"{raw:N0}/s raw", $"ratio {local / raw:0.00} (channel-mailbox actors)");
        Report.Line("calls/s across two silos (loopback TCP)", $"{remote:N0}/s", $"{local:N0}/s local", $"ratio {remote / local:0.00}");
        Console.WriteLine($"  Both figures call the same {Grains:N0} grains, activated through silo B ([PreferLocalPlacement]). One silo: called");
        Console.WriteLine($"  through silo B's IGrainFactory, {localOnB:N0} of {Grains:N0} on silo B. Across: called through silo A's IGrainFactory,");
        Console.WriteLine($"  {remoteOnB:N0} of {Grains:N0} on silo B, so {remoteOnB / (double)Grains:P0} of those calls crossed silos.");

        Console.WriteLine("  Per call: µs of CPU in this process (callers, actors, both silos, loopback networking) and anywhere");
        Console.WriteLine("  else (other programs: noise); context switches across the machine; share of the cores busy.");
        Console.WriteLine($"    {"",-42} {variants[0].Cpu.Header()}");
        foreach (var (name, _, cpu) in variants)
        {
            Console.WriteLine($"    {name,-42} {cpu.Row()}");
        }

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
