using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansDelivery.Postgres.Streaming;
using OrleansDelivery.Postgres.Tests.Grains;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>Orleans streams through the PostgreSQL provider on the shared two-silo cluster: produced, stored, delivered, rewound.</summary>
[Collection(PostgresClusterCollection.Name)]
public sealed class DurableStreamTests(PostgresClusterFixture fixture)
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_are_rows_before_the_producer_returns_and_reach_an_implicit_subscriber_in_order()
    {
        var key = Guid.NewGuid().ToString("N");
        var stream = fixture.Cluster.Client.GetStreamProvider(PostgresCluster.DurableStreams)
            .GetStream<int>(StreamId.Create(StreamRecorderGrain.Namespace, key));

        for (var value = 1; value <= 20; value++)
        {
            await stream.OnNextAsync(value);
            Assert.Equal((long)value, await fixture.Database.QueryScalarAsync<long>(
                "SELECT count(*) FROM orleans_stream_messages WHERE provider_name = $1 AND stream_namespace = $2 AND stream_key = $3",
                PostgresCluster.DurableStreams, StreamRecorderGrain.Namespace, key));
        }

        var received = await Wait.UntilAsync(
            () => fixture.Cluster.Client.GetGrain<IStreamRecorderGrain>(key).GetReceivedAsync(),
            events => Distinct(events).Count == 20,
            Cap,
            "twenty events at the subscriber");

        // One stream lives in one queue: its events carry that queue's increasing sequences, in the order produced.
        var once = Distinct(received);
        Assert.Equal(Enumerable.Range(1, 20), once.Select(e => e.Value));
        Assert.True(once.Zip(once.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence));
        Assert.Equal(once.Select(e => e.Sequence), await StoredSequencesAsync(PostgresCluster.DurableStreams, key));
    }

    [Theory]
    [InlineData(PostgresCluster.DurableStreams)]
    [InlineData(PostgresCluster.SmallCacheStreams)]
    public async Task A_subscription_from_an_earlier_token_gets_the_events_from_that_token_on(string provider)
    {
        var stream = fixture.Cluster.Client.GetStreamProvider(provider)
            .GetStream<int>(StreamId.Create("rewind", Guid.NewGuid().ToString("N")));
        var live = new Recorder();
        await stream.SubscribeAsync(live.OnNextAsync);
        for (var value = 1; value <= 10; value++)
        {
            await stream.OnNextAsync(value);
        }

        await Wait.UntilAsync(() => Task.FromResult(live.Distinct().Count), count => count == 10, Cap, "the live subscriber to see ten events");
        var fourth = live.Distinct()[3];

        // With the small cache the first events are purged by now, so the rewind is read from the table.
        var tableReads = TableReads(provider);
        var rewound = new Recorder();
        await stream.SubscribeAsync(rewound.OnNextAsync, new Orleans.Providers.Streams.Common.EventSequenceTokenV2(fourth.Sequence));
        await stream.OnNextAsync(11);

        await Wait.UntilAsync(() => Task.FromResult(rewound.Distinct().Count), count => count >= 8, Cap, "the rewound subscriber to catch up");
        Assert.Equal(Enumerable.Range(4, 8), rewound.Distinct().Select(e => e.Value));
        Assert.Equal(live.Distinct().Skip(3).Take(7).Select(e => e.Sequence), rewound.Distinct().Take(7).Select(e => e.Sequence));
        if (provider == PostgresCluster.SmallCacheStreams)
        {
            Assert.True(TableReads(provider) > tableReads, "the rewind past the small cache should have read the table");
        }
    }

    [Fact]
    public async Task Each_queue_is_read_by_exactly_one_silo()
    {
        var readers = await Wait.UntilAsync(
            () => Task.FromResult(fixture.Cluster.Silos.Select(silo => Store(silo.ServiceProvider).QueuesReading).ToList()),
            queues => queues.Sum(q => q.Count) == PostgresCluster.DurableQueueCount,
            Cap,
            "the balancer to hand out every queue");

        // Every queue once: none unread, none read by two silos. Which silo reads which is Orleans' hash ring's choice,
        // and it may give every queue to one silo (CI saw that), so no silo is required to read any.
        Assert.Equal(Enumerable.Range(0, PostgresCluster.DurableQueueCount), readers.SelectMany(q => q).Order());
    }

    private long TableReads(string provider) => fixture.Cluster.Silos.Sum(silo => Store(silo.ServiceProvider, provider).TableReads);

    internal static PostgresStreamStore Store(IServiceProvider silo, string provider = PostgresCluster.DurableStreams) =>
        silo.GetRequiredKeyedService<PostgresStreamStore>(provider);

    /// <summary>Every event once: repeats (same token) dropped, in token order.</summary>
    internal static List<ReceivedEvent> Distinct(IEnumerable<ReceivedEvent> events) =>
        [.. events.DistinctBy(e => (e.Sequence, e.EventIndex)).OrderBy(e => e.Sequence).ThenBy(e => e.EventIndex)];

    private async Task<IEnumerable<long>> StoredSequencesAsync(string provider, string key)
    {
        await using var command = fixture.Database.DataSource.CreateCommand(
            "SELECT sequence FROM orleans_stream_messages WHERE provider_name = $1 AND stream_key = $2 ORDER BY sequence");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = provider });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = key });
        var sequences = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        while (await reader.ReadAsync(Cancellation))
        {
            sequences.Add(reader.GetInt64(0));
        }

        return sequences;
    }

    private sealed class Recorder
    {
        private readonly Lock _lock = new();
        private readonly List<ReceivedEvent> _received = [];

        public Task OnNextAsync(int value, StreamSequenceToken? token)
        {
            lock (_lock)
            {
                _received.Add(new ReceivedEvent(value, token?.SequenceNumber ?? -1, token?.EventIndex ?? -1));
            }

            return Task.CompletedTask;
        }

        public List<ReceivedEvent> Distinct()
        {
            lock (_lock)
            {
                return DurableStreamTests.Distinct(_received);
            }
        }
    }
}
