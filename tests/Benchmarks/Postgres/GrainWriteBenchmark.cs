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
        await Measure.ThroughputAsync(Concurrency, warmup, Write);
        var runtime = await Measure.ThroughputAsync(Concurrency, duration, Write);

        // The provider called directly, outside any grain: splits the gap into runtime and provider.
        var storage = silo.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var states = Enumerable.Range(0, Concurrency).Select(_ => new StateHolder()).ToArray();
        async Task ProviderWrite(int worker, long _)
        {
            var holder = states[worker];
            holder.State = new WriterState { Payload = StateWriterGrain.Payload, Writes = holder.State.Writes + 1 };
            await storage.WriteStateAsync("bench", new GrainId("providerwriter", Key(worker)), holder, CancellationToken.None);
        }

        await Measure.ThroughputAsync(Concurrency, warmup, ProviderWrite);
        var provider = await Measure.ThroughputAsync(Concurrency, duration, ProviderWrite);

        // The same rows a grain would store, serialized the same way, written with the provider's statements.
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

        await Measure.ThroughputAsync(Concurrency, warmup, RawWrite);
        var raw = await Measure.ThroughputAsync(Concurrency, duration, RawWrite);

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
