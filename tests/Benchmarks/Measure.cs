using System.Diagnostics;

namespace OrleansDelivery.Benchmarks;

/// <summary>Closed-loop throughput, shared by the benchmarks.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="workers"/> loops of <paramref name="operation"/> for <paramref name="duration"/>; returns operations per second.</summary>
    public static async Task<double> ThroughputAsync(int workers, TimeSpan duration, Func<int, long, Task> operation)
    {
        var counts = new long[workers];
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var loops = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            long n = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                await operation(worker, n);
                n++;
            }

            counts[worker] = n;
        }));
        await Task.WhenAll(loops);
        return counts.Sum() / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
