using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;
using OrleansDelivery.Postgres;

namespace OrleansDelivery.Benchmarks.Postgres;

/// <summary>
/// Grain state writes per second through Orleans' ADO.NET grain storage and our <c>sql/</c> scripts, beside the
/// same rows updated by hand with Npgsql at the same concurrency: what a hand-written application would send.
/// </summary>
public static class GrainWriteBenchmark
{
    public const string StorageName = "bench";
    private const int Writers = 64;

    public static async Task RunAsync(BenchmarkSettings settings)
    {
        await using var database = await BenchmarkDatabase.CreateAsync(CancellationToken.None);
        // The baselines get what the silo's data source gets (AddPostgresDataSource): statements prepared once per
        // connection, and no reset when a pooled connection is returned.
        await using var dataSource = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxAutoPrepare = 32, NoResetOnClose = true }.ConnectionString);
        await new PostgresMigrator(dataSource, NullLogger<PostgresMigrator>.Instance).MigrateAsync(CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"Grain state writes: {Writers} grains, 1 KB of JSON each, {Writers} concurrent writers");
        Console.WriteLine($"  {await database.DescribeAsync(dataSource, CancellationToken.None)}");

        using var silo = await BenchmarkSilo.StartAsync(configure: silo => silo.AddPostgresDataSource(database.ConnectionString).AddPostgresGrainStorage(StorageName));
        var grains = Enumerable.Range(0, Writers).Select(i => BenchmarkSilo.Grains(silo).GetGrain<IStateWriterGrain>(i)).ToArray();
        Task ThroughOrleans(int worker, long _) => grains[worker].WriteAsync();

        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);
        var holders = Enumerable.Range(0, Writers).Select(_ => new StateHolder()).ToArray();
        async Task ThroughProvider(int worker, long _)
        {
            var holder = holders[worker];
            holder.State = new WriterState { Payload = StateWriterGrain.Payload, Writes = holder.State.Writes + 1 };
            await storage.WriteStateAsync("state", GrainId.Create("providerwriter", worker.ToString(System.Globalization.CultureInfo.InvariantCulture)), holder);
        }

        var raw = await RawWriters.CreateAsync(dataSource, Writers);
        var providerStatement = new ProviderStatementWriters(dataSource, Writers);
        var singleStatement = new ProviderStatementWriters(dataSource, Writers, SingleStatementWrite);

        var storageWriters = Enumerable.Range(0, Writers).Select(i => BenchmarkSilo.Grains(silo).GetGrain<IStorageWriterGrain>(i)).ToArray();
        Task InTurn(int worker, long _) => storageWriters[worker].WriteInTurnAsync();
        Task OffTurn(int worker, long _) => storageWriters[worker].WriteOffTurnAsync();
        var serverProcesses = database.ServerProcesses(dataSource);
        var variants = new (string Name, Func<int, long, Task> Write, CpuMeter Cpu)[]
        {
            ("through a grain (IPersistentState)", ThroughOrleans, new CpuMeter(serverProcesses)),
            ("raw Npgsql", raw.WriteAsync, new CpuMeter(serverProcesses)),
            ("grain calling IGrainStorage in its turn", InTurn, new CpuMeter(serverProcesses)),
            ("grain calling IGrainStorage off its turn", OffTurn, new CpuMeter(serverProcesses)),
            ("IGrainStorage, no grain call", ThroughProvider, new CpuMeter(serverProcesses)),
            ("the provider's statement by hand", providerStatement.WriteAsync, new CpuMeter(serverProcesses)),
            ("one CTE statement by hand (no function)", singleStatement.WriteAsync, new CpuMeter(serverProcesses)),
        };

        // Every variant in turn, a second each, until the JIT has settled (see Warmup). After one second of warm-up
        // per variant, as this benchmark first did, both the grain path and the raw baseline ran at about half the
        // speed they settle at some 20 s later.
        var warmup = await Warmup.UntilJitQuietAsync(
            async () =>
            {
                foreach (var variant in variants)
                {
                    await Measure.ThroughputAsync(Writers, TimeSpan.FromSeconds(1), variant.Write);
                }
            },
            TimeSpan.FromSeconds(90));
        Console.WriteLine($"  {warmup}");

        // Alternating rounds: dead tuples, autovacuum and checkpoints fall on every variant alike. Each round starts
        // with a different variant, so none always runs right after the same neighbour.
        const int Rounds = 5;
        var round = settings.Duration / Rounds;
        var rates = new double[variants.Length];
        for (var r = 0; r < Rounds; r++)
        {
            for (var i = 0; i < variants.Length; i++)
            {
                var v = (r + i) % variants.Length;
                var (_, write, cpu) = variants[v];
                rates[v] += await cpu.MeasureAsync(() => Measure.ThroughputAsync(Writers, round, write)) / Rounds;
            }
        }

        var (orleans, npgsql) = (rates[0], rates[1]);
        var ratio = orleans / npgsql;
        Report.Line("grain state writes/s", $"{orleans:N0}/s", $"{npgsql:N0}/s raw", $"ratio {ratio:0.00}, {Report.Target(ratio >= 0.8, ">= 0.8")}");
        Console.WriteLine("  The gap taken apart, each beside the same raw figure:");
        for (var v = 2; v < variants.Length; v++)
        {
            Report.Line($"  {variants[v].Name}", $"{rates[v]:N0}/s", $"{npgsql:N0}/s raw", $"ratio {rates[v] / npgsql:0.00}");
        }

        Console.WriteLine("  Per write: µs of CPU in this process (writers, silo, Npgsql, their share of loopback networking), in");
        Console.WriteLine("  PostgreSQL's processes, and anywhere else (other programs: noise; ±10 µs is tick rounding); context");
        Console.WriteLine("  switches across the machine; share of the cores busy.");
        Console.WriteLine($"    {"",-42} {variants[0].Cpu.Header()}");
        foreach (var (name, _, cpu) in variants)
        {
            Console.WriteLine($"    {name,-42} {cpu.Row()}");
        }

        await silo.StopAsync();
    }

    /// <summary>
    /// The statement Orleans' provider sends (<c>WriteToStorageKey</c>), with the same parameters, sent by hand: it
    /// splits the gap between Orleans and raw Npgsql into the SQL's part and the part on the .NET side.
    /// </summary>
    private sealed class ProviderStatementWriters(NpgsqlDataSource dataSource, int writers, string statement = "SELECT * FROM orleans_grain_state_write($1, $2, $3, $4)")
    {
        private readonly int?[] _versions = new int?[writers];
        private readonly long[] _writes = new long[writers];

        public async Task WriteAsync(int worker, long _)
        {
            await using var write = dataSource.CreateCommand(statement);
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "benchmarks" });
            write.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"statementwriter{statement.Length}/state/{worker}" });
            write.Parameters.Add(new NpgsqlParameter { Value = (object?)_versions[worker] ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            write.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = JsonSerializer.SerializeToUtf8Bytes(new WriterState { Payload = StateWriterGrain.Payload, Writes = ++_writes[worker] }) });
            _versions[worker] = (int?)await write.ExecuteScalarAsync()
                ?? throw new InvalidOperationException($"Statement row {worker} was not at version {_versions[worker]}.");
        }
    }

    private const string SingleStatementWrite = """
        WITH target AS (
            SELECT split_part($2, '/', 1) AS grain_type, split_part($2, '/', 2) AS state_name,
                   substr($2, length(split_part($2, '/', 1)) + length(split_part($2, '/', 2)) + 3) AS grain_key),
        updated AS (
            UPDATE orleans_grain_state AS s
            SET version = s.version + 1, payload = convert_from($4, 'UTF8')::json, modified_at = now()
            FROM target AS t
            WHERE s.service_id = $1 AND s.grain_type = t.grain_type AND s.grain_key = t.grain_key
              AND s.state_name = t.state_name AND s.version = $3
            RETURNING s.version),
        inserted AS (
            INSERT INTO orleans_grain_state (service_id, grain_type, grain_key, state_name, version, payload)
            SELECT $1, t.grain_type, t.grain_key, t.state_name, 1, convert_from($4, 'UTF8')::json
            FROM target AS t WHERE $3::integer IS NULL
            ON CONFLICT ON CONSTRAINT orleans_grain_state_pk DO NOTHING
            RETURNING version)
        SELECT version FROM updated UNION ALL SELECT version FROM inserted
        """;

    /// <summary>The same table and JSON, written with one positional UPDATE per write, version checked.</summary>
    private sealed class RawWriters(NpgsqlDataSource dataSource, long[] versions, long[] writes)
    {
        public static async Task<RawWriters> CreateAsync(NpgsqlDataSource dataSource, int writers)
        {
            for (var worker = 0; worker < writers; worker++)
            {
                await using var insert = dataSource.CreateCommand("""
                    INSERT INTO orleans_grain_state (service_id, grain_type, grain_key, state_name, version, payload)
                    VALUES ('benchmarks', 'rawwriter', $1, 'state', 1, $2)
                    """);
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Key(worker) });
                insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Json(0), NpgsqlDbType = NpgsqlDbType.Json });
                await insert.ExecuteNonQueryAsync();
            }

            return new RawWriters(dataSource, Enumerable.Repeat(1L, writers).ToArray(), new long[writers]);
        }

        public async Task WriteAsync(int worker, long _)
        {
            await using var update = dataSource.CreateCommand("""
                UPDATE orleans_grain_state SET version = version + 1, payload = $2, modified_at = now()
                WHERE service_id = 'benchmarks' AND grain_type = 'rawwriter' AND grain_key = $1 AND state_name = 'state' AND version = $3
                RETURNING version
                """);
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Key(worker) });
            update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Json(++writes[worker]), NpgsqlDbType = NpgsqlDbType.Json });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)versions[worker] });
            versions[worker] = (int?)await update.ExecuteScalarAsync()
                ?? throw new InvalidOperationException($"Raw row {worker} was not at version {versions[worker]}.");
        }

        private static string Key(int worker) => worker.ToString(System.Globalization.CultureInfo.InvariantCulture);

        private static string Json(long count) => JsonSerializer.Serialize(new WriterState { Payload = StateWriterGrain.Payload, Writes = count });
    }
}
