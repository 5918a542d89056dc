using Orleans.Configuration;
using Orleans.Streams;
using Orleans.TestingHost;
using OrleansDelivery.Postgres.Tests.Grains;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>The durable provider when the silo reading a queue dies, on a cluster and database of its own.</summary>
public sealed class StreamFailoverTests
{
    private const int EventsPerStream = 60;
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(120);

    // Issue 9, point 1: this once failed in about one run in three on a loaded 2-core machine (a stream whose queue the
    // killed silo read stopped receiving for good). The cause found was a cursor's cache miss that stopped the pulling
    // agent (see QueueCacheTests); since that fix it passed 14 runs in a row here, six of them beside two busy loops.
    [Fact]
    public async Task Implicit_subscribers_keep_receiving_while_the_silo_reading_their_queue_is_killed_and_miss_nothing()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var cluster = await PostgresCluster.StartAsync(database.ConnectionString);
        // Orleans' ring places the queues by the silos' hashes and may give all four to the first silo (the test
        // cluster's primary, never the victim) for good; a further silo then takes a share.
        var (victim, victimQueues) = await VictimAsync(cluster);
        if (victimQueues.Count == 0)
        {
            await cluster.StartAdditionalSiloAsync();
            (victim, victimQueues) = await VictimAsync(cluster, mustRead: true);
        }

        // Three streams in the victim's queues and three in the survivors'; six in the victim's when the ring gives it
        // every queue (it may, for good), so the survivors take over every stream.
        var perSide = victimQueues.Count < PostgresCluster.DurableQueueCount ? 3 : 6;
        var mapper = new HashRingBasedStreamQueueMapper(
            new HashRingStreamQueueMapperOptions { TotalQueueCount = PostgresCluster.DurableQueueCount }, PostgresCluster.DurableStreams);
        var keys = Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid().ToString("N"))
            .GroupBy(key => victimQueues.Contains((int)mapper.GetQueueForStream(StreamId.Create(StreamRecorderGrain.Namespace, key)).GetNumericId()))
            .SelectMany(side => side.Take(perSide))
            .ToList();
        Assert.Equal(6, keys.Count);
        var provider = cluster.Client.GetStreamProvider(PostgresCluster.DurableStreams);
        var streams = keys.Select(key => provider.GetStream<int>(StreamId.Create(StreamRecorderGrain.Namespace, key))).ToList();

        // The client appends straight to PostgreSQL, so producing goes on through the kill.
        for (var value = 1; value <= EventsPerStream; value++)
        {
            if (value == EventsPerStream / 3)
            {
                await cluster.KillSiloAsync(victim);
            }

            foreach (var stream in streams)
            {
                await stream.OnNextAsync(value);
            }
        }

        foreach (var key in keys)
        {
            var received = await Wait.UntilAsync(
                () => cluster.Client.GetGrain<IStreamRecorderGrain>(key).GetReceivedAsync(),
                events => DurableStreamTests.Distinct(events).Count >= EventsPerStream,
                Cap,
                $"stream {key} to deliver every event after the kill");

            // At least once: a repeat carries the token of the first delivery, with the same event; without repeats,
            // every event is there once and in order.
            Assert.All(received.GroupBy(e => e.Sequence), same => Assert.Single(same.Select(e => e.Value).Distinct()));
            Assert.Equal(Enumerable.Range(1, EventsPerStream), DurableStreamTests.Distinct(received).Select(e => e.Value));
        }

        // The survivor took the dead silo's queues over.
        var survivors = cluster.Silos.Where(silo => silo != victim).Select(silo => DurableStreamTests.Store(silo.ServiceProvider)).ToList();
        await Wait.UntilAsync(
            () => Task.FromResult(survivors.Sum(survivor => survivor.QueuesReading.Count)),
            count => count == PostgresCluster.DurableQueueCount,
            Cap,
            "the survivors to read every queue");
    }

    /// <summary>Once every queue is read: the silo after the first reading the most queues, and its queues.</summary>
    private static async Task<(InProcessSiloHandle Silo, HashSet<int> Queues)> VictimAsync(InProcessTestCluster cluster, bool mustRead = false)
    {
        var reading = await Wait.UntilAsync(
            () => Task.FromResult(cluster.Silos.Select(silo => (Silo: silo, Queues: DurableStreamTests.Store(silo.ServiceProvider).QueuesReading)).ToList()),
            silos => silos.Sum(silo => silo.Queues.Count) == PostgresCluster.DurableQueueCount && (!mustRead || silos.Skip(1).Any(silo => silo.Queues.Count > 0)),
            Cap,
            "the balancer to give out every queue");
        var victim = reading.Skip(1).MaxBy(silo => silo.Queues.Count);
        return (victim.Silo, victim.Queues.ToHashSet());
    }
}
