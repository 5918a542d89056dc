using System.Collections.Concurrent;
using OrleansDelivery.Runtime.Testing;
using OrleansDelivery.Runtime.Tests.Grains;

namespace OrleansDelivery.Runtime.Tests;

public sealed class StreamTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Concurrent_publishers_get_gap_free_sequence_numbers()
    {
        var stream = fixture.Cluster.GetStreamProvider().GetStream<OrderPlaced>(StreamId.Create("orders", ClusterFixture.NewKey()));

        var sequences = await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => stream.OnNextAsync(new OrderPlaced($"o{i}", i)))));

        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), sequences.Order());
        Assert.Equal(500, await stream.GetLastSequenceAsync());
    }

    [Fact]
    public async Task A_subscriber_resumes_from_a_sequence_without_gaps_or_repeats()
    {
        var stream = fixture.Cluster.GetStreamProvider().GetStream<OrderPlaced>(StreamId.Create("orders", ClusterFixture.NewKey()));
        for (var i = 1; i <= 5; i++)
        {
            await stream.OnNextAsync(new OrderPlaced($"o{i}", i));
        }

        var first = new RecordingObserver();
        var handle = await stream.SubscribeAsync(first, afterSequence: 0);
        await TestWait.UntilAsync(() => first.Sequences.Count == 5, "the first five events");
        await handle.UnsubscribeAsync();
        Assert.Equal(5, handle.LastDeliveredSequence);

        // Published while nobody listens.
        for (var i = 6; i <= 9; i++)
        {
            await stream.OnNextAsync(new OrderPlaced($"o{i}", i));
        }

        var resumed = new RecordingObserver();
        await using var second = await stream.SubscribeAsync(resumed, afterSequence: handle.LastDeliveredSequence);
        await stream.OnNextAsync(new OrderPlaced("o10", 10));
        await TestWait.UntilAsync(() => resumed.Sequences.Count == 5, "events 6 to 10");

        Assert.Equal([1, 2, 3, 4, 5], first.Sequences);
        Assert.Equal([6, 7, 8, 9, 10], resumed.Sequences);
        Assert.Equal(["o6", "o7", "o8", "o9", "o10"], resumed.OrderIds);
    }

    [Fact]
    public async Task A_subscription_without_a_sequence_gets_only_new_events()
    {
        var stream = fixture.Cluster.GetStreamProvider().GetStream<OrderPlaced>(StreamId.Create("orders", ClusterFixture.NewKey()));
        await stream.OnNextAsync(new OrderPlaced("old", 1));

        var observer = new RecordingObserver();
        await using var handle = await stream.SubscribeAsync(observer);
        await stream.OnNextAsync(new OrderPlaced("new", 2));

        await TestWait.UntilAsync(() => observer.Sequences.Count == 1, "the new event");
        Assert.Equal(["new"], observer.OrderIds);
    }

    [Fact]
    public async Task A_grain_subscriber_receives_events_in_order_as_its_own_turns()
    {
        var streamKey = ClusterFixture.NewKey();
        var subscriber = fixture.Grains.GetGrain<IStreamUserGrain>(ClusterFixture.NewKey());
        var publisher = fixture.Grains.GetGrain<IStreamUserGrain>(ClusterFixture.NewKey());
        await subscriber.SubscribeAsync(streamKey, afterSequence: 0);

        for (var i = 1; i <= 20; i++)
        {
            await publisher.PublishAsync(streamKey, new OrderPlaced($"o{i}", i));
        }

        await TestWait.UntilAsync(async () => (await subscriber.ReceivedAsync()).Count == 20, "twenty deliveries");
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), await subscriber.ReceivedAsync());
        Assert.Equal(1, await subscriber.MaxOverlapAsync());
    }

    [Fact]
    public async Task An_implicit_subscription_delivers_to_the_grain_whose_key_is_the_stream_key()
    {
        var key = ClusterFixture.NewKey();
        var stream = fixture.Cluster.GetStreamProvider().GetStream<OrderPlaced>(StreamId.Create("audit", key));

        await stream.OnNextAsync(new OrderPlaced("a", 1));
        await stream.OnNextAsync(new OrderPlaced("b", 2));
        await stream.OnNextAsync(new OrderPlaced("c", 3));

        var trail = fixture.Grains.GetGrain<IAuditTrailGrain>(key);
        await TestWait.UntilAsync(async () => (await trail.EntriesAsync()).Count == 3, "three audit entries");
        Assert.Equal(["1:a", "2:b", "3:c"], await trail.EntriesAsync());
    }

    private sealed class RecordingObserver : IAsyncObserver<OrderPlaced>
    {
        private readonly ConcurrentQueue<(long Sequence, string OrderId)> _events = new();

        public List<long> Sequences => _events.Select(e => e.Sequence).ToList();

        public List<string> OrderIds => _events.Select(e => e.OrderId).ToList();

        public Task OnNextAsync(OrderPlaced item, StreamSequenceToken token)
        {
            _events.Enqueue((token.SequenceNumber, item.OrderId));
            return Task.CompletedTask;
        }
    }
}
