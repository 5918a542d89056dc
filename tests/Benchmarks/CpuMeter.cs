using System.Diagnostics;
using System.Globalization;

namespace OrleansDelivery.Benchmarks;

/// <summary>
/// Where the CPU of a measurement went: this process (callers, silos, Npgsql), the PostgreSQL server's processes
/// when given, and the rest ("other": anything else running on the machine, noise the figure did not ask for), with
/// the machine's context switches. Kernel work such as loopback networking is charged to the process it ran in.
/// Machine and server figures come from Linux <c>/proc</c> and are left out elsewhere.
/// </summary>
internal sealed class CpuMeter(Func<Task<IReadOnlyList<int>>>? serverProcesses = null)
{
    private double _operations;
    private TimeSpan _wall;
    private TimeSpan _process;
    private TimeSpan _server;
    private TimeSpan _machineBusy;
    private long _contextSwitches;
    private bool _machineKnown = true;
    private bool _serverKnown = serverProcesses is not null;

    /// <summary>Runs a throughput measurement, adding the operations it did and the CPU they took to this meter.</summary>
    public async Task<double> MeasureAsync(Func<Task<double>> throughput)
    {
        var pids = serverProcesses is null ? [] : await serverProcesses();
        var start = Snapshot.Take(pids);
        var perSecond = await throughput();
        var end = Snapshot.Take(pids);

        var wall = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp);
        _operations += perSecond * wall.TotalSeconds;
        _wall += wall;
        _process += end.Process - start.Process;
        if (start.Machine is { } before && end.Machine is { } after && after.Total > before.Total)
        {
            // All cores' ticks together advance by wall time x cores, which gives the tick length without asking the OS.
            var tick = wall * Environment.ProcessorCount / (after.Total - before.Total);
            _machineBusy += tick * (after.Busy - before.Busy);
            _contextSwitches += after.ContextSwitches - before.ContextSwitches;
            if (start.Server is { } serverBefore && end.Server is { } serverAfter)
            {
                // Only processes seen at both ends: one that started or ended in between is not counted.
                _server += tick * serverAfter.Where(process => serverBefore.ContainsKey(process.Key)).Sum(process => process.Value - serverBefore[process.Key]);
            }
            else
            {
                _serverKnown = false;
            }
        }
        else
        {
            _machineKnown = false;
            _serverKnown = false;
        }

        return perSecond;
    }

    /// <summary>Column titles for <see cref="Row"/>.</summary>
    public string Header() =>
        _serverKnown
            ? $"{"here",8} {"PostgreSQL",10} {"other",7} {"switches",9} {"busy",6}"
            : $"{"here",8} {"other",7} {"switches",9} {"busy",6}";

    /// <summary>Per operation: µs of CPU here, in the server (when given) and elsewhere; context switches; how busy the cores were.</summary>
    public string Row()
    {
        if (!_machineKnown)
        {
            return $"{Micros(_process),8} (no /proc/stat: machine figures unknown)";
        }

        var busy = (_machineBusy / (_wall * Environment.ProcessorCount)).ToString("P0", CultureInfo.InvariantCulture);
        var other = _machineBusy - _process - (_serverKnown ? _server : TimeSpan.Zero);
        var switches = (_contextSwitches / _operations).ToString("N1", CultureInfo.InvariantCulture);
        return _serverKnown
            ? $"{Micros(_process),8} {Micros(_server),10} {Micros(other),7} {switches,9} {busy,6}"
            : $"{Micros(_process),8} {Micros(other),7} {switches,9} {busy,6}";
    }

    private string Micros(TimeSpan cpu)
    {
        var micros = cpu.TotalMicroseconds / _operations;
        return micros.ToString(Math.Abs(micros) < 100 ? "N1" : "N0", CultureInfo.InvariantCulture);
    }

    private readonly record struct MachineTicks(long Busy, long Total, long ContextSwitches);

    private readonly record struct Snapshot(long Timestamp, TimeSpan Process, MachineTicks? Machine, Dictionary<int, long>? Server)
    {
        public static Snapshot Take(IReadOnlyList<int> serverPids) =>
            new(Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime, ReadMachine(), serverPids.Count == 0 ? null : ReadProcesses(serverPids));

        private static MachineTicks? ReadMachine()
        {
            try
            {
                // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already in user.
                var lines = File.ReadAllLines("/proc/stat");
                var fields = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var ticks = fields.Skip(1).Take(8).Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
                var idle = ticks[3] + ticks[4];
                var total = ticks.Sum();
                var contextSwitches = lines.First(line => line.StartsWith("ctxt ", StringComparison.Ordinal))[5..];
                return new MachineTicks(total - idle, total, long.Parse(contextSwitches, CultureInfo.InvariantCulture));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        /// <summary>User and system ticks of each of the given processes that still runs.</summary>
        private static Dictionary<int, long> ReadProcesses(IReadOnlyList<int> pids)
        {
            var ticks = new Dictionary<int, long>();
            foreach (var pid in pids)
            {
                try
                {
                    // Fields after the command name in parentheses: state is the 3rd, utime the 14th, stime the 15th.
                    var line = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                    var fields = line[(line.LastIndexOf(')') + 2)..].Split(' ');
                    ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Gone between the listing and now (a finished autovacuum worker, say).
                }
            }

            return ticks;
        }
    }
}
