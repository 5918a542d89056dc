using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace OrleansDelivery.Benchmarks.Streams;

/// <summary>One event of the benchmark: which run it belongs to and when (Stopwatch ticks) the producer sent it.</summary>
[GenerateSerializer, Immutable, Alias("bench.latency-ping")]
public sealed record LatencyPing([property: Id(0)] string Run, [property: Id(1)] long SentAt);

/// <summary>
/// An implicit subscriber that notes how long each event took from the producer's call to its delivery. Producer and
/// silos share this process, so both ends read the same Stopwatch.
/// </summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class LatencyProbeGrain : Grain, IGrainWithStringKey, IStreamSubscriptionObserver, IAsyncObserver<LatencyPing>
{
    public const string Namespace = "latency";

    private static readonly ConcurrentDictionary<string, ConcurrentBag<long>> Runs = new();

    public static ConcurrentBag<long> Delays(string run) => Runs.GetOrAdd(run, _ => []);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<LatencyPing>().ResumeAsync(this);

    public Task OnNextAsync(LatencyPing item, StreamSequenceToken? token = null)
    {
        Delays(item.Run).Add(Stopwatch.GetTimestamp() - item.SentAt);
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
