using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansDelivery.Runtime;

namespace OrleansDelivery.Benchmarks.Postgres;

/// <summary>The event a latency run publishes: its index and the Stopwatch timestamp taken just before publishing.</summary>
public sealed record LatencyProbe(int Index, long SentAt);

/// <summary>
/// Publish-to-delivery latency at a steady 1,000 events/s on one stream, subscribed from outside any grain,
/// beside the floor PostgreSQL itself sets: the same row inserted with pg_notify in one statement and the
/// notification taken off a LISTEN connection (no read-back of the row).
/// </summary>
internal static class StreamLatencyBenchmark
{
    private const int EventsPerSecond = 1_000;
    private static readonly TimeSpan DrainCap = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(IServiceProvider silo, NpgsqlDataSource dataSource, TimeSpan duration, TimeSpan warmup, CancellationToken cancellationToken)
    {
        var warmupEvents = (int)(EventsPerSecond * warmup.TotalSeconds);
        var measuredEvents = (int)(EventsPerSecond * duration.TotalSeconds);

        var runtime = await RunThroughRuntimeAsync(silo, warmup, duration, warmupEvents, measuredEvents, cancellationToken);
        var raw = await RunThroughNotifyAsync(silo, dataSource, warmup, duration, warmupEvents, measuredEvents, cancellationToken);

        var p99 = Measure.Percentile(runtime, 0.99);
        Report.Line("stream delivery p50 (1,000 events/s)", $"{Measure.Percentile(runtime, 0.50):0.00} ms", $"{Measure.Percentile(raw, 0.50):0.00} ms", "");
        Report.Line("stream delivery p99 (1,000 events/s)", $"{p99:0.00} ms", $"{Measure.Percentile(raw, 0.99):0.00} ms", Report.Target(p99 < 20, "p99 < 20 ms"));
        Report.Line("stream delivery max (1,000 events/s)", $"{Measure.Percentile(runtime, 1):0.00} ms", $"{Measure.Percentile(raw, 1):0.00} ms", "");
        Report.Line("events delivered of those published", $"{runtime.Length:N0}/{measuredEvents:N0}", $"{raw.Length:N0}/{measuredEvents:N0}", "");
    }

    private static async Task<long[]> RunThroughRuntimeAsync(
        IServiceProvider silo, TimeSpan warmup, TimeSpan duration, int warmupEvents, int measuredEvents, CancellationToken cancellationToken)
    {
        var stream = silo.GetRequiredService<IStreamProvider>().GetStream<LatencyProbe>(StreamId.Create("bench-latency", "runtime"));
        var recorder = new LatencyRecorder(warmupEvents, measuredEvents);
        var subscription = await stream.SubscribeAsync(new ProbeObserver(recorder), cancellationToken: cancellationToken);
        try
        {
            Task Publish(int index, long sentAt) => stream.OnNextAsync(new LatencyProbe(index, sentAt), cancellationToken);
            await Measure.PacedAsync(EventsPerSecond, warmup, 0, Publish);
            await Measure.PacedAsync(EventsPerSecond, duration, warmupEvents, Publish);
            return await recorder.SortedAsync(DrainCap);
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    private static async Task<long[]> RunThroughNotifyAsync(
        IServiceProvider silo, NpgsqlDataSource dataSource, TimeSpan warmup, TimeSpan duration, int warmupEvents, int measuredEvents, CancellationToken cancellationToken)
    {
        var serializer = silo.GetRequiredService<GrainStateSerializer>();
        var recorder = new LatencyRecorder(warmupEvents, measuredEvents);
        await using var listener = await dataSource.OpenConnectionAsync(cancellationToken);
        listener.Notification += (_, notification) =>
        {
            var separator = notification.Payload.IndexOf(':', StringComparison.Ordinal);
            recorder.Record(
                int.Parse(notification.Payload.AsSpan(0, separator), CultureInfo.InvariantCulture),
                long.Parse(notification.Payload.AsSpan(separator + 1), CultureInfo.InvariantCulture));
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {RawBaselines.NotifyChannel}", listener))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listening = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await listener.WaitAsync(stopListening.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);

        Task Publish(int index, long sentAt) => RawBaselines.InsertEventAndNotifyAsync(
            dataSource,
            "latency",
            index + 1,
            serializer.Serialize(new LatencyProbe(index, sentAt)),
            string.Create(CultureInfo.InvariantCulture, $"{index}:{sentAt}"),
            cancellationToken);
        await Measure.PacedAsync(EventsPerSecond, warmup, 0, Publish);
        await Measure.PacedAsync(EventsPerSecond, duration, warmupEvents, Publish);
        var sorted = await recorder.SortedAsync(DrainCap);
        await stopListening.CancelAsync();
        await listening;
        return sorted;
    }

    private sealed class ProbeObserver(LatencyRecorder recorder) : IAsyncObserver<LatencyProbe>
    {
        public Task OnNextAsync(LatencyProbe item, StreamSequenceToken token)
        {
            recorder.Record(item.Index, item.SentAt);
            return Task.CompletedTask;
        }
    }
}
