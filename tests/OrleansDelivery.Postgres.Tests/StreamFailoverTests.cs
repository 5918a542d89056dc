using Orleans.Configuration;
using Orleans.Streams;
using OrleansDelivery.Postgres.Tests.Grains;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>The durable provider when the silo reading a queue dies, on a cluster and database of its own.</summary>
public sealed class StreamFailoverTests
{
    private const int EventsPerStream = 60;
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Implicit_subscribers_keep_receiving_while_the_silo_reading_their_queue_is_killed_and_miss_nothing()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var cluster = await PostgresCluster.StartAsync(database.ConnectionString);
        var victim = cluster.Silos[1];
        var victimQueues = await Wait.UntilAsync(
            () => Task.FromResult((
                Victim: DurableStreamTests.Store(victim.ServiceProvider).QueuesReading,
                All: cluster.Silos.Sum(silo => DurableStreamTests.Store(silo.ServiceProvider).QueuesReading.Count))),
            queues => queues.Victim.Count > 0 && queues.All == PostgresCluster.DurableQueueCount,
            Cap,
            "the balancer to give the victim some queues").ContinueWith(task => task.Result.Victim.ToHashSet(), TaskScheduler.Default);

        // Three streams in the victim's queues and three in the survivor's; six in the victim's when Orleans' ring gives
        // it every queue (it may, for good: four queues on two silos), so the survivor takes over every stream.
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
        var survivor = DurableStreamTests.Store(cluster.Silos.Single(silo => silo != victim).ServiceProvider);
        await Wait.UntilAsync(
            () => Task.FromResult(survivor.QueuesReading.Count), count => count == PostgresCluster.DurableQueueCount, Cap, "the survivor to read every queue");
    }
}
