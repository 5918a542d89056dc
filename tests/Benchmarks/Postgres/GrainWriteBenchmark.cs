using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansDelivery.Runtime;

namespace OrleansDelivery.Benchmarks.Postgres;

/// <summary>Grain state writes per second through the runtime beside the provider's own UPDATE sent by hand.</summary>
internal static class GrainWriteBenchmark
{
    private const int Concurrency = 64;

    public static async Task RunAsync(IServiceProvider silo, NpgsqlDataSource dataSource, TimeSpan duration, TimeSpan warmup)
    {
        var grains = Enumerable.Range(0, Concurrency)
            .Select(i => silo.GetRequiredService<IGrainFactory>().GetGrain<IStateWriterGrain>(i))
            .ToArray();
        Task Write(int worker, long _) => grains[worker].WriteAsync();

        var storage = silo.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var states = Enumerable.Range(0, Concurrency).Select(_ => new StateHolder()).ToArray();
        async Task ProviderWrite(int worker, long _)
        {
            var holder = states[worker];
            holder.State = new WriterState { Payload = StateWriterGrain.Payload, Writes = holder.State.Writes + 1 };
            await storage.WriteStateAsync("bench", new GrainId("providerwriter", Key(worker)), holder, CancellationToken.None);
        }

        var serializer = silo.GetRequiredService<GrainStateSerializer>();
        var versions = new long[Concurrency];
        var writes = new long[Concurrency];
        for (var worker = 0; worker < Concurrency; worker++)
        {
            await RawBaselines.InsertStateAsync(dataSource, Key(worker), serializer.Serialize(new WriterState { Payload = StateWriterGrain.Payload }), CancellationToken.None);
            versions[worker] = 1;
        }

        async Task RawWrite(int worker, long _)
        {
            var payload = serializer.Serialize(new WriterState { Payload = StateWriterGrain.Payload, Writes = ++writes[worker] });
            versions[worker] = await RawBaselines.UpdateStateAsync(dataSource, Key(worker), versions[worker], payload, CancellationToken.None);
        }

        await Measure.ThroughputAsync(Concurrency, warmup, Write);
        await Measure.ThroughputAsync(Concurrency, warmup, ProviderWrite);
        await Measure.ThroughputAsync(Concurrency, warmup, RawWrite);

        // Short alternating rounds, so drift in the database (dead tuples, autovacuum, checkpoints) and in the
        // machine falls on all three alike instead of on whichever happened to run last.
        const int Rounds = 5;
        var round = duration / Rounds;
        double runtime = 0, provider = 0, raw = 0;
        for (var i = 0; i < Rounds; i++)
        {
            runtime += await Measure.ThroughputAsync(Concurrency, round, Write) / Rounds;
            raw += await Measure.ThroughputAsync(Concurrency, round, RawWrite) / Rounds;
            provider += await Measure.ThroughputAsync(Concurrency, round, ProviderWrite) / Rounds;
        }

        var ratio = runtime / raw;
        Report.Line($"grain state writes/s ({Concurrency} grains, 1 KB)", $"{runtime:N0}/s", $"{raw:N0}/s", $"ratio {ratio:0.00}, {Report.Target(ratio >= 0.8, ">= 0.8")}");
        Report.Line("  the same through IGrainStorage, no grain", $"{provider:N0}/s", $"{raw:N0}/s", $"ratio {provider / raw:0.00}");
    }

    private sealed class StateHolder : IGrainState<WriterState>
    {
        public WriterState State { get; set; } = new();

        public string? ETag { get; set; }

        public bool RecordExists { get; set; }
    }

    private static string Key(int worker) => worker.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
