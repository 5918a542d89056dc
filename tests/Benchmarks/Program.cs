using OrleansDelivery.Benchmarks;
using OrleansDelivery.Benchmarks.Calls;
using OrleansDelivery.Benchmarks.Cluster;
using OrleansDelivery.Benchmarks.Http;
using OrleansDelivery.Benchmarks.Hub;
using OrleansDelivery.Benchmarks.Memory;
using OrleansDelivery.Benchmarks.Operations;
using OrleansDelivery.Benchmarks.Postgres;
using OrleansDelivery.Benchmarks.Streams;

// dotnet run -c Release --project tests/Benchmarks [-- calls|memory|postgres|streams|http|hub|dashboard|cluster|all] [--seconds N] [--reset-on-close]
if (args is [PushBaselineServer.Argument, var port])
{
    await PushBaselineServer.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    return 0;
}

var suite = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var settings = BenchmarkSettings.Parse(args);
Console.WriteLine($"OrleansDelivery benchmarks: {suite}, {settings.Seconds} s per measurement, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

if (suite is "calls" or "all")
{
    await CallBenchmarks.RunAsync(settings);
}

if (suite is "memory" or "all")
{
    await ActivationMemoryBenchmark.RunAsync();
}

if (suite is "postgres" or "all")
{
    await GrainWriteBenchmark.RunAsync(settings);
}

if (suite is "streams" or "all")
{
    await StreamLatencyBenchmark.RunAsync(settings);
}

if (suite is "http" or "all")
{
    await HttpOrderFlowBenchmark.RunAsync(settings, resetOnClose: args.Contains("--reset-on-close"));
}

if (suite is "hub" or "all")
{
    await HubLoadBenchmark.RunAsync();
}

if (suite is "dashboard" or "all")
{
    await DashboardCostBenchmark.RunAsync(settings);
}

if (suite is "cluster" or "all")
{
    await ClusterBenchmark.RunAsync(settings);
}

return 0;
