using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansDelivery.Runtime;
using OrleansDelivery.Runtime.Hosting;

namespace OrleansDelivery.Benchmarks.Runtime;

/// <summary>
/// Local grain call throughput and allocation against a raw channel-actor baseline, and the memory an idle
/// activation costs. Every figure is printed beside the baseline measured in the same run.
/// </summary>
public static class RuntimeBenchmarks
{
    private const int Callers = 64;
    private const int Actors = 1000;
    private const int IdleActivations = 100_000;

    public static async Task RunAsync(BenchmarkSettings settings)
    {
        Console.WriteLine();
        Console.WriteLine($"Local grain calls: {Callers} concurrent callers over {Actors:N0} grains");

        using var host = await StartSiloAsync();
        var factory = host.Services.GetRequiredService<IGrainFactory>();
        var grains = Enumerable.Range(0, Actors).Select(i => factory.GetGrain<IBenchGrain>(i)).ToArray();
        var actors = Enumerable.Range(0, Actors).Select(_ => new ChannelActorBaseline()).ToArray();
        await Task.WhenAll(grains.Select(g => g.AddOneAsync(0).AsTask()));

        // Warm both paths up so the JIT has done its tiering before anything is measured.
        await MeasureAsync(i => actors[i % Actors].AddOneAsync(i), TimeSpan.FromSeconds(1));
        await MeasureAsync(i => grains[i % Actors].AddOneAsync(i).AsTask(), TimeSpan.FromSeconds(1));

        // Alternating short rounds: thread-pool warm-up and machine noise fall on both alike.
        const int Rounds = 5;
        var round = settings.Duration / Rounds;
        var baseline = new Measurement(0, 0);
        var runtime = new Measurement(0, 0);
        for (var r = 0; r < Rounds; r++)
        {
            baseline += await MeasureAsync(i => actors[i % Actors].AddOneAsync(i), round) / Rounds;
            runtime += await MeasureAsync(i => grains[i % Actors].AddOneAsync(i).AsTask(), round) / Rounds;
        }

        var ratio = runtime.CallsPerSecond / baseline.CallsPerSecond;
        Report.Line("calls/s", $"{runtime.CallsPerSecond:N0}", $"{baseline.CallsPerSecond:N0}", $"ratio {ratio:0.00}, {Report.Target(ratio >= 0.5, ">= 0.5")}");
        Report.Line("bytes allocated per call", $"{runtime.BytesPerCall:N0} B", $"{baseline.BytesPerCall:N0} B", Report.Target(runtime.BytesPerCall <= 200, "<= 200 B"));

        foreach (var actor in actors)
        {
            actor.Stop();
        }

        await host.StopAsync();

        Console.WriteLine();
        Console.WriteLine($"Memory per idle activation of an empty grain, over {IdleActivations:N0} activations");
        var activationBytes = await MeasureIdleActivationBytesAsync();
        var baselineBytes = await MeasureIdleChannelActorBytesAsync();
        Report.Line("bytes per idle activation", $"{activationBytes:N0} B", $"{baselineBytes:N0} B", Report.Target(activationBytes <= 1024, "<= 1 KB"));
    }

    private static async Task<IHost> StartSiloAsync()
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddSilo(silo => silo.Configure(o => o.SiloName = "bench"));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task<Measurement> MeasureAsync(Func<int, Task<int>> call, TimeSpan duration)
    {
        var stop = false;
        var calls = new long[Callers];
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Callers).Select(worker => Task.Run(async () =>
        {
            var i = worker * 7919;
            long count = 0;
            while (!Volatile.Read(ref stop))
            {
                var value = await call(i++);
                if (value != i)
                {
                    throw new InvalidOperationException($"Wrong answer {value} for {i - 1}.");
                }

                count++;
            }

            calls[worker] = count;
        })).ToArray();

        await Task.Delay(duration);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);
        watch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var total = calls.Sum();
        return new Measurement(total / watch.Elapsed.TotalSeconds, (double)allocated / total);
    }

    private static async Task<long> MeasureIdleActivationBytesAsync()
    {
        using var host = await StartSiloAsync();
        var factory = host.Services.GetRequiredService<IGrainFactory>();
        await factory.GetGrain<IEmptyGrain>(-1).TouchAsync();
        var before = SettledHeapBytes();
        for (var start = 0; start < IdleActivations; start += 1000)
        {
            await Task.WhenAll(Enumerable.Range(start, 1000).Select(i => factory.GetGrain<IEmptyGrain>(i).TouchAsync()));
        }

        var after = SettledHeapBytes();
        var status = host.Services.GetRequiredService<ISiloStatus>();
        if (status.ActivationCount < IdleActivations)
        {
            throw new InvalidOperationException($"Only {status.ActivationCount} activations are alive.");
        }

        await host.StopAsync();
        return (after - before) / IdleActivations;
    }

    private static async Task<long> MeasureIdleChannelActorBytesAsync()
    {
        var before = SettledHeapBytes();
        var actors = new ChannelActorBaseline[IdleActivations];
        for (var i = 0; i < actors.Length; i++)
        {
            actors[i] = new ChannelActorBaseline();
        }

        // Each actor's loop must have reached its first wait before it counts as idle.
        await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => actors[i].AddOneAsync(i)));
        await Task.Delay(500);
        var after = SettledHeapBytes();
        var bytes = (after - before) / IdleActivations;
        foreach (var actor in actors)
        {
            actor.Stop();
        }

        GC.KeepAlive(actors);
        return bytes;
    }

    private static long SettledHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private readonly record struct Measurement(double CallsPerSecond, double BytesPerCall)
    {
        public static Measurement operator +(Measurement a, Measurement b) => new(a.CallsPerSecond + b.CallsPerSecond, a.BytesPerCall + b.BytesPerCall);

        public static Measurement operator /(Measurement a, int divisor) => new(a.CallsPerSecond / divisor, a.BytesPerCall / divisor);
    }
}
