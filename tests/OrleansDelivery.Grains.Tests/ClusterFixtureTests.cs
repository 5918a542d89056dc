using Orleans.Streams;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Grains.Tests;

/// <summary>What later grain tests rely on the shared cluster for.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFixtureTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Both_silos_are_active_members()
    {
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);

        var hosts = await management.GetHosts(onlyActive: true);

        Assert.Equal(fixture.Cluster.Silos.Select(s => s.SiloAddress).Order(), hosts.Keys.Order());
    }

    [Fact]
    public async Task An_event_published_on_the_events_stream_reaches_a_subscriber()
    {
        var stream = fixture.Cluster.Client.GetStreamProvider(StreamProviders.Events)
            .GetStream<string>(StreamId.Create("orders", ClusterFixture.NewKey()));
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = await stream.SubscribeAsync((item, _) =>
        {
            received.TrySetResult(item);
            return Task.CompletedTask;
        });

        await stream.OnNextAsync("placed");

        Assert.Equal("placed", await received.Task.WaitAsync(TestContext.Current.CancellationToken));
        await subscription.UnsubscribeAsync();
    }
}
