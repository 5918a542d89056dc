using System.Diagnostics;
using System.Runtime;

namespace OrleansDelivery.Benchmarks;

/// <summary>
/// Warm-up that lasts until the JIT has gone quiet rather than for a fixed time. With tiered compilation and PGO a
/// method runs unoptimized, then instrumented, and only later optimized, and on two busy cores that takes tens of
/// seconds: a path measured before then is measured at a fraction of its speed, and a path with more code (a grain
/// call through Orleans and the storage provider) stays slow longer than a short one (raw Npgsql).
/// </summary>
internal static class Warmup
{
    /// <summary>Methods compiled per second below which the JIT counts as quiet.</summary>
    private const double QuietMethodsPerSecond = 20;

    /// <summary>
    /// Runs <paramref name="pass"/> (one go over every variant) again and again, at least twice, until a pass
    /// compiles fewer than <see cref="QuietMethodsPerSecond"/> methods per second, or <paramref name="limit"/> passes.
    /// </summary>
    /// <returns>A line saying how long the warm-up took and how quiet the JIT was at the end.</returns>
    public static async Task<string> UntilJitQuietAsync(Func<Task> pass, TimeSpan limit)
    {
        var start = Stopwatch.GetTimestamp();
        var passes = 0;
        double perSecond;
        while (true)
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            var passStart = Stopwatch.GetTimestamp();
            await pass();
            passes++;
            perSecond = (JitInfo.GetCompiledMethodCount() - compiled) / Stopwatch.GetElapsedTime(passStart).TotalSeconds;
            if ((passes >= 2 && perSecond < QuietMethodsPerSecond) || Stopwatch.GetElapsedTime(start) >= limit)
            {
                break;
            }
        }

        var verdict = perSecond < QuietMethodsPerSecond ? "quiet" : $"still compiling at the {limit.TotalSeconds:0} s limit";
        return $"warm-up: {passes} passes, {Stopwatch.GetElapsedTime(start).TotalSeconds:0} s, until the JIT compiled {perSecond:0} methods/s ({verdict})";
    }
}
