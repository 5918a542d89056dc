using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrleansDelivery.Runtime.Hosting;
using OrleansDelivery.Runtime.Postgres;

namespace OrleansDelivery.Benchmarks.Postgres;

/// <summary>
/// The runtime on PostgreSQL beside hand-written Npgsql doing the same database work, on one server in one run:
/// grain state writes, stream delivery latency and stream append throughput.
/// </summary>
public static class PostgresBenchmarks
{
    public static async Task RunAsync(BenchmarkSettings settings)
    {
        var cancellationToken = CancellationToken.None;
        await using var database = await BenchmarkDatabase.CreateAsync(cancellationToken);

        // The silo migrates the schema as it starts; the baselines then use the very tables it made.
        using var silo = await StartSiloAsync(database.ConnectionString, cancellationToken);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        Console.WriteLine();
        Console.WriteLine("PostgreSQL: runtime (UsePostgres) vs raw Npgsql on the same database");
        Console.WriteLine($"  {await database.DescribeAsync(dataSource, cancellationToken)}");
        await RawBaselines.CreateTablesAsync(dataSource, cancellationToken);

        var warmup = TimeSpan.FromSeconds(Math.Clamp(settings.Seconds / 5, 1, 3));
        await GrainWriteBenchmark.RunAsync(silo.Services, dataSource, settings.Duration, warmup);
        await StreamLatencyBenchmark.RunAsync(silo.Services, dataSource, settings.Duration, warmup, cancellationToken);
        await StreamAppendBenchmark.RunAsync(silo.Services, dataSource, settings.Duration, warmup);

        await silo.StopAsync(cancellationToken);
    }

    private static async Task<IHost> StartSiloAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddSilo(silo => silo
            .Configure(options =>
            {
                options.SiloName = "bench-postgres";
                options.GrainAssemblies.Add(typeof(StateWriterGrain).Assembly);
            })
            .UsePostgres(connectionString));
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
