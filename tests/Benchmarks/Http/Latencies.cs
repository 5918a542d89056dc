using System.Diagnostics;
using System.Globalization;

namespace OrleansDelivery.Benchmarks.Http;

/// <summary>Every latency of a measurement, one list per worker so recording takes no lock.</summary>
internal sealed class Latencies(int workers)
{
    private readonly List<long>[] _ticks = Enumerable.Range(0, workers).Select(_ => new List<long>()).ToArray();

    public void Record(int worker, long ticks) => _ticks[worker].Add(ticks);

    public void Clear()
    {
        foreach (var list in _ticks)
        {
            list.Clear();
        }
    }

    public int Count => _ticks.Sum(list => list.Count);

    /// <summary>The latency below which the given share of the recorded ones fall (nearest rank).</summary>
    public TimeSpan Percentile(double share)
    {
        var all = _ticks.SelectMany(list => list).Order().ToArray();
        if (all.Length == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(share * all.Length) - 1;
        return Stopwatch.GetElapsedTime(0, all[Math.Clamp(rank, 0, all.Length - 1)]);
    }

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"p50 {Milliseconds(Percentile(0.50))}, p99 {Milliseconds(Percentile(0.99))}, max {Milliseconds(Percentile(1))}");

    public static string Milliseconds(TimeSpan latency) => latency.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
}
