using System.Diagnostics;
using System.Globalization;

namespace OrleansDelivery.Benchmarks;

/// <summary>
/// Where the CPU of a measurement went: this process (client, silos) and the rest of the machine (on this
/// machine, PostgreSQL's backends). Machine figures come from Linux <c>/proc/stat</c> and are absent elsewhere.
/// </summary>
internal sealed class CpuMeter
{
    private double _operations;
    private TimeSpan _process;
    private TimeSpan _machineBusy;
    private TimeSpan _machineTotal;

    public bool HasMachine { get; private set; } = true;

    /// <summary>Runs a throughput measurement, adding the operations it did and the CPU they took to this meter.</summary>
    public async Task<double> MeasureAsync(Func<Task<double>> throughput)
    {
        var start = Snapshot.Take();
        var perSecond = await throughput();
        var end = Snapshot.Take();
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp);
        _operations += perSecond * wall.TotalSeconds;
        _process += end.Process - start.Process;
        if (start.Machine is { } before && end.Machine is { } after && after.Total > before.Total)
        {
            // Jiffies as a share of the interval, so the clock tick rate does not matter.
            var capacity = wall * Environment.ProcessorCount;
            _machineBusy += capacity * ((double)(after.Busy - before.Busy) / (after.Total - before.Total));
            _machineTotal += capacity;
        }
        else
        {
            HasMachine = false;
        }

        return perSecond;
    }

    /// <summary>Microseconds of this process's CPU per operation.</summary>
    public double ProcessMicroseconds => _process.TotalMicroseconds / _operations;

    /// <summary>Microseconds of CPU per operation spent outside this process (PostgreSQL, and any other load).</summary>
    public double OthersMicroseconds => (_machineBusy - _process).TotalMicroseconds / _operations;

    /// <summary>Share of all cores busy while measuring.</summary>
    public double MachineBusy => _machineBusy / _machineTotal;

    public string Describe() => HasMachine
        ? $"CPU/write: {ProcessMicroseconds:N0} µs here + {OthersMicroseconds:N0} µs elsewhere; cores {MachineBusy:P0} busy"
        : $"CPU/write: {ProcessMicroseconds:N0} µs here";

    private readonly record struct MachineTicks(long Busy, long Total);

    private readonly record struct Snapshot(long Timestamp, TimeSpan Process, MachineTicks? Machine)
    {
        public static Snapshot Take() => new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime, ReadMachine());

        private static MachineTicks? ReadMachine()
        {
            try
            {
                // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
                var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var ticks = fields.Skip(1).Take(8).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
                var idle = ticks[3] + ticks[4];
                var total = ticks.Sum();
                return new MachineTicks(total - idle, total);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}
