using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Runtime.Tests.Grains;

namespace OrleansDelivery.Runtime.Tests;

public sealed class PersistenceTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task State_is_read_before_the_first_call_and_survives_deactivation()
    {
        var key = ClusterFixture.NewKey();
        var grain = fixture.Grains.GetGrain<ICounterGrain>(key);
        await grain.AddAsync(2);
        await grain.AddAsync(3);

        await grain.DeactivateAsync();
        await Testing.TestWait.UntilAsync(() => CounterGrain.Deactivations.GetValueOrDefault(key) >= 1, "deactivated");

        Assert.Equal(5, await grain.GetAsync());
    }

    [Fact]
    public async Task A_stale_write_throws_InconsistentStateException_and_the_next_call_reloads_the_stored_state()
    {
        var key = ClusterFixture.NewKey();
        var grain = fixture.Grains.GetGrain<ICounterGrain>(key);
        await grain.AddAsync(1);

        // Another writer changes the stored record behind the activation's back.
        var storage = fixture.Cluster.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default);
        var grainId = new GrainId("counter", key);
        var other = new GrainStateHolder<CounterState>();
        await storage.ReadStateAsync("counter", grainId, other, CancellationToken.None);
        other.State = other.State with { Value = 100 };
        await storage.WriteStateAsync("counter", grainId, other, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => grain.AddAsync(1));
        Assert.Contains("counter", error.Message);

        // The activation was dropped, so the next call starts from what is stored.
        await Testing.TestWait.UntilAsync(async () => await grain.GetAsync() == 100, "the grain reloads the stored state");
        Assert.Equal(101, await grain.AddAsync(1));
    }

    private sealed class GrainStateHolder<T> : IGrainState<T> where T : new()
    {
        public T State { get; set; } = new();

        public string? ETag { get; set; }

        public bool RecordExists { get; set; }
    }
}
