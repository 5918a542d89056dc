using System.Diagnostics;

namespace OrleansDelivery.Benchmarks;

/// <summary>Closed-loop throughput, open-loop pacing and latency percentiles, shared by the PostgreSQL benchmarks.</summary>
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

    /// <summary>
    /// Starts <paramref name="send"/> at <paramref name="perSecond"/> for <paramref name="duration"/> without waiting for
    /// the previous send (open loop, so a slow send cannot hide latency by slowing the schedule). A 1 ms periodic
    /// timer releases every event due by then; each send gets its index and the timestamp taken just before it.
    /// </summary>
    public static async Task<int> PacedAsync(int perSecond, TimeSpan duration, int firstIndex, Func<int, long, Task> send)
    {
        var total = (int)(perSecond * duration.TotalSeconds);
        var sends = new List<Task>(total);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        var start = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + 1);
            for (; sent < due; sent++)
            {
                sends.Add(send(firstIndex + sent, Stopwatch.GetTimestamp()));
            }

            await timer.WaitForNextTickAsync();
        }

        await Task.WhenAll(sends);
        return total;
    }

    public static double Milliseconds(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;

    /// <summary>The value at quantile <paramref name="q"/> (0..1) of sorted samples, nearest rank.</summary>
    public static double Percentile(long[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : Milliseconds(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)]);
}

/// <summary>Latencies of one paced run, indexed by event; the warm-up events are not kept.</summary>
internal sealed class LatencyRecorder(int warmupEvents, int measuredEvents)
{
    private readonly long[] _latencies = new long[measuredEvents];
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public int Arrived => Volatile.Read(ref _arrived);

    public void Record(int index, long sentAt)
    {
        var latency = Stopwatch.GetTimestamp() - sentAt;
        if (index >= warmupEvents)
        {
            _latencies[index - warmupEvents] = latency;
        }

        if (Interlocked.Increment(ref _arrived) == warmupEvents + measuredEvents)
        {
            _allArrived.TrySetResult();
        }
    }

    /// <summary>Waits until every event arrived (or the cap passes); returns the measured latencies, sorted.</summary>
    public async Task<long[]> SortedAsync(TimeSpan cap)
    {
        try
        {
            await _allArrived.Task.WaitAsync(cap);
        }
        catch (TimeoutException)
        {
            // Reported as missing events by the caller.
        }

        var sorted = _latencies.Where(latency => latency > 0).ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
