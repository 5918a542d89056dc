using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansDelivery.Postgres;
using OrleansDelivery.Postgres.Streaming;

namespace OrleansDelivery.Benchmarks.Streams;

/// <summary>
/// How long an event takes from a producer's call to an implicit subscriber on another silo, through the durable
/// PostgreSQL provider beside Orleans' memory streams in the same run and cluster, both polled every 20 ms as the
/// product configures them: at a trickle (a kitchen's pace) and in a burst.
/// </summary>
public static class StreamLatencyBenchmark
{
    private const string Memory = "memory";
    private const string Durable = "postgres";
    private const int Streams = 50;
    private static readonly TimeSpan PullingPeriod = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(BenchmarkSettings settings)
    {
        await using var database = await BenchmarkDatabase.CreateAsync(CancellationToken.None);
        await using (var dataSource = NpgsqlDataSource.Create(database.ConnectionString))
        {
            await new PostgresMigrator(dataSource, NullLogger<PostgresMigrator>.Instance).MigrateAsync(CancellationToken.None);
            Console.WriteLine();
            Console.WriteLine($"Stream delivery latency: producer call to implicit subscriber, 2 silos, {Streams} streams, pulling every {PullingPeriod.TotalMilliseconds} ms");
            Console.WriteLine($"  {await database.DescribeAsync(dataSource, CancellationToken.None)}");
        }

        void Configure(ISiloBuilder silo)
        {
            silo.AddPostgresDataSource(database.ConnectionString);
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams(Memory, streams => streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = PullingPeriod)));
            silo.AddPostgresStreams(Durable, _ => { }, streams => streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = PullingPeriod)));
        }

        using var first = await BenchmarkSilo.StartAsync(configure: Configure);
        using var second = await BenchmarkSilo.StartAsync(BenchmarkSilo.Endpoint(first), Configure);
        var client = first.Services.GetRequiredService<IClusterClient>();

        // Warm-up: activate every subscriber on both providers and let the queues settle over the two silos.
        foreach (var provider in new[] { Memory, Durable })
        {
            await SendAsync(client, provider, $"warmup-{provider}", 10 * Streams, TimeSpan.FromMilliseconds(2));
        }

        // A trickle: one event every 10 ms (100/s), a kitchen's pace. A burst: 2,000 events sent at once.
        var trickle = (int)Math.Max(200, settings.Seconds * 100);
        foreach (var (scenario, count, gap) in new[] { ("trickle, 100 events/s", trickle, TimeSpan.FromMilliseconds(10)), ("burst of 2,000", 2000, TimeSpan.Zero) })
        {
            var results = new Dictionary<string, long[]>();
            foreach (var provider in new[] { Memory, Durable })
            {
                results[provider] = await SendAsync(client, provider, $"{scenario}-{provider}", count, gap);
            }

            Report.Line($"{scenario}, p50", Ms(results[Durable], 0.50), $"{Ms(results[Memory], 0.50)} memory", $"{count} events each");
            Report.Line($"{scenario}, p95", Ms(results[Durable], 0.95), $"{Ms(results[Memory], 0.95)} memory", "");
            Report.Line($"{scenario}, p99", Ms(results[Durable], 0.99), $"{Ms(results[Memory], 0.99)} memory", "");
        }

        await second.StopAsync();
        await first.StopAsync();
    }

    /// <summary>Sends <paramref name="count"/> events round the streams, <paramref name="gap"/> apart (all at once when zero); returns their delays, sorted.</summary>
    private static async Task<long[]> SendAsync(IClusterClient client, string provider, string run, int count, TimeSpan gap)
    {
        var streams = Enumerable.Range(0, Streams)
            .Select(i => client.GetStreamProvider(provider).GetStream<LatencyPing>(StreamId.Create(LatencyProbeGrain.Namespace, $"probe-{i}")))
            .ToArray();
        var sends = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            sends.Add(streams[i % Streams].OnNextAsync(new LatencyPing(run, Stopwatch.GetTimestamp())));
            if (gap > TimeSpan.Zero)
            {
                await sends[^1];
                await Task.Delay(gap);
            }
        }

        await Task.WhenAll(sends);
        var delays = LatencyProbeGrain.Delays(run);
        var waited = Stopwatch.StartNew();
        while (delays.Count < count)
        {
            if (waited.Elapsed > Cap)
            {
                throw new TimeoutException($"{run}: {delays.Count} of {count} events delivered after {Cap.TotalSeconds} s.");
            }

            await Task.Delay(20);
        }

        return [.. delays.Order()];
    }

    private static string Ms(long[] sorted, double share)
    {
        var rank = Math.Clamp((int)Math.Ceiling(share * sorted.Length) - 1, 0, sorted.Length - 1);
        return Stopwatch.GetElapsedTime(0, sorted[rank]).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";
    }
}
