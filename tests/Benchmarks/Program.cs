using OrleansDelivery.Benchmarks;
using OrleansDelivery.Benchmarks.Postgres;
using OrleansDelivery.Benchmarks.Runtime;

// dotnet run -c Release --project tests/Benchmarks [-- runtime|postgres|all] [--seconds N]
var suite = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var settings = BenchmarkSettings.Parse(args);
Console.WriteLine($"OrleansDelivery benchmarks: {suite}, {settings.Seconds} s per measurement, {Environment.ProcessorCount} cores, .NET {Environment.Version}");

if (suite is "runtime" or "all")
{
    await RuntimeBenchmarks.RunAsync(settings);
}

if (suite is "postgres" or "all")
{
    await PostgresBenchmarks.RunAsync(settings);
}

return 0;
