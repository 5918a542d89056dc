using OrleansDelivery.Runtime.Tests.Grains;

namespace OrleansDelivery.Runtime.Tests;

public sealed class CallChainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_chain_of_distinct_grains_completes()
    {
        var a = ClusterFixture.NewKey();
        var b = ClusterFixture.NewKey();
        var c = ClusterFixture.NewKey();

        var result = await fixture.Grains.GetGrain<IChainGrain>(a).RelayAsync([b, c]);

        Assert.Equal($"{a}>{b}>{c}", result);
    }

    [Fact]
    public async Task A_cycle_back_into_a_non_reentrant_grain_fails_at_once_with_a_deadlock_naming_the_chain()
    {
        var a = ClusterFixture.NewKey();
        var b = ClusterFixture.NewKey();

        // The fake clock never moves in this test, so the call timeout cannot be what ends the call.
        var error = await Assert.ThrowsAsync<DeadlockException>(() => fixture.Grains.GetGrain<IChainGrain>(a).RelayAsync([b, a]));

        Assert.Equal(3, error.CallChain.Count);
        Assert.Equal($"chain/{a}.RelayAsync", error.CallChain[0]);
        Assert.Equal($"chain/{b}.RelayAsync", error.CallChain[1]);
        Assert.Equal($"chain/{a}.RelayAsync", error.CallChain[2]);
        Assert.Contains($"chain/{a}.RelayAsync -> chain/{b}.RelayAsync -> chain/{a}.RelayAsync", error.Message);
    }

    [Fact]
    public async Task A_grain_calling_itself_is_a_deadlock_too()
    {
        var a = ClusterFixture.NewKey();

        await Assert.ThrowsAsync<DeadlockException>(() => fixture.Grains.GetGrain<IChainGrain>(a).RelayAsync([a]));
    }

    [Fact]
    public async Task A_cycle_through_always_interleave_methods_is_allowed()
    {
        var a = ClusterFixture.NewKey();
        var b = ClusterFixture.NewKey();

        var result = await fixture.Grains.GetGrain<IChainGrain>(a).RelayInterleavedAsync([b, a]);

        Assert.Equal($"{a}>{b}>{a}", result);
    }

    [Fact]
    public async Task A_call_to_a_hung_grain_times_out_naming_the_grain_and_method()
    {
        var key = ClusterFixture.NewKey();
        var gate = TestGates.NewName();
        var call = fixture.Grains.GetGrain<IChainGrain>(key).HangAsync(gate);

        fixture.Clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50);
        Assert.False(call.IsCompleted);

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => call);

        Assert.Contains($"chain/{key}", error.Message);
        Assert.Contains("IChainGrain.HangAsync", error.Message);
        Assert.Contains("30 s", error.Message);

        // Let the grain finish so the silo can shut down without waiting for it.
        TestGates.Open(gate);
    }
}
