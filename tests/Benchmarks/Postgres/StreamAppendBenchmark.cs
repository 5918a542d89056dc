using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansDelivery.Runtime;

namespace OrleansDelivery.Benchmarks.Postgres;

/// <summary>
/// Stream appends per second from 16 producers, on 16 streams and on one, beside plain INSERTs of the same rows
/// into a copy of the event table (sequence chosen by the client, no counter row, no notification).
/// </summary>
internal static class StreamAppendBenchmark
{
    private const int Producers = 16;

    public static async Task RunAsync(IServiceProvider silo, NpgsqlDataSource dataSource, TimeSpan duration, TimeSpan warmup)
    {
        var provider = silo.GetRequiredService<IStreamProvider>();
        var serializer = silo.GetRequiredService<GrainStateSerializer>();

        var distinct = Enumerable.Range(0, Producers)
            .Select(p => provider.GetStream<LatencyProbe>(StreamId.Create("bench-append", $"p{p}")))
            .ToArray();
        var runtimeDistinct = await WarmThenMeasureAsync(
            (producer, n) => distinct[producer].OnNextAsync(new LatencyProbe((int)n, 0)), duration, warmup);

        var shared = provider.GetStream<LatencyProbe>(StreamId.Create("bench-append", "shared"));
        var runtimeShared = await WarmThenMeasureAsync(
            (_, n) => shared.OnNextAsync(new LatencyProbe((int)n, 0)), duration, warmup);

        var rawDistinct = await WarmThenMeasureAsync(
            (producer, n) => RawBaselines.InsertEventAsync(dataSource, $"p{producer}", n + 1, serializer.Serialize(new LatencyProbe((int)n, 0)), CancellationToken.None),
            duration,
            warmup);

        long sharedSequence = 0;
        var rawShared = await WarmThenMeasureAsync(
            (_, n) => RawBaselines.InsertEventAsync(dataSource, "shared", Interlocked.Increment(ref sharedSequence), serializer.Serialize(new LatencyProbe((int)n, 0)), CancellationToken.None),
            duration,
            warmup);

        Report.Line($"stream appends/s ({Producers} producers, {Producers} streams)", $"{runtimeDistinct:N0}/s", $"{rawDistinct:N0}/s", $"ratio {runtimeDistinct / rawDistinct:0.00}");
        Report.Line($"stream appends/s ({Producers} producers, 1 stream)", $"{runtimeShared:N0}/s", $"{rawShared:N0}/s", $"ratio {runtimeShared / rawShared:0.00}");
    }

    private static async Task<double> WarmThenMeasureAsync(Func<int, long, Task> append, TimeSpan duration, TimeSpan warmup)
    {
        // One counter per producer across warm-up and measurement, so raw sequences never repeat.
        var counters = new long[Producers];
        Task Next(int producer, long _) => append(producer, counters[producer]++);
        await Measure.ThroughputAsync(Producers, warmup, Next);
        return await Measure.ThroughputAsync(Producers, duration, Next);
    }
}
