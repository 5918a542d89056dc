using OrleansDelivery.Runtime.Tests.Grains;

namespace OrleansDelivery.Runtime.Tests;

public sealed class ActivationLifecycleTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Calls_queued_behind_a_failing_activation_fail_with_its_cause_and_a_later_call_activates_again()
    {
        var key = ClusterFixture.NewKey();
        var gate = TestGates.NewName();
        FlakyActivationGrain.ActivationGates[key] = gate;
        var grain = fixture.Grains.GetGrain<IFlakyActivationGrain>(key);

        var first = grain.PingAsync(1);
        await TestGates.WhenEnteredAsync(gate);
        var queued = new[] { grain.PingAsync(2), grain.PingAsync(3) };
        TestGates.Fail(gate, new InvalidOperationException("the menu service is down"));

        foreach (var call in queued.Prepend(first))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call);
            Assert.Equal("the menu service is down", error.Message);
        }

        Assert.Equal("pong 4", await grain.PingAsync(4));
    }

    [Fact]
    public async Task Calls_made_while_activating_wait_and_run_in_order_once_it_succeeds()
    {
        var key = ClusterFixture.NewKey();
        var gate = TestGates.NewName();
        FlakyActivationGrain.ActivationGates[key] = gate;
        var grain = fixture.Grains.GetGrain<IFlakyActivationGrain>(key);

        var calls = Enumerable.Range(1, 5).Select(grain.PingAsync).ToList();
        await TestGates.WhenEnteredAsync(gate);
        Assert.DoesNotContain(calls, c => c.IsCompleted);
        TestGates.Open(gate);

        Assert.Equal(Enumerable.Range(1, 5).Select(n => $"pong {n}"), await Task.WhenAll(calls));
    }

    [Fact]
    public async Task DeactivateOnIdle_ends_the_activation_after_the_call_and_the_next_call_gets_a_new_one()
    {
        var key = ClusterFixture.NewKey();
        var grain = fixture.Grains.GetGrain<ICounterGrain>(key);
        var before = await grain.GetActivationIdAsync();

        await grain.DeactivateAsync();
        await WaitForDeactivationsAsync(key, 1);

        Assert.NotEqual(before, await grain.GetActivationIdAsync());
    }

    [Fact]
    public async Task Idle_activations_are_collected_after_fifteen_minutes_and_their_state_survives()
    {
        var key = ClusterFixture.NewKey();
        var grain = fixture.Grains.GetGrain<ICounterGrain>(key);
        await grain.AddAsync(5);
        var before = await grain.GetActivationIdAsync();

        fixture.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(before, await grain.GetActivationIdAsync());

        // Idle from now on: fifteen more minutes and the collector (every minute) takes it.
        fixture.Clock.Advance(TimeSpan.FromMinutes(16));
        await WaitForDeactivationsAsync(key, 1);

        Assert.NotEqual(before, await grain.GetActivationIdAsync());
        Assert.Equal(5, await grain.GetAsync());
    }

    [Fact]
    public async Task A_collection_age_attribute_overrides_the_default_for_its_grain_class()
    {
        var shortLived = fixture.Grains.GetGrain<IShortLivedGrain>(Random.Shared.NextInt64());
        var counter = fixture.Grains.GetGrain<ICounterGrain>(ClusterFixture.NewKey());
        var shortBefore = await shortLived.GetActivationIdAsync();
        var counterBefore = await counter.GetActivationIdAsync();

        fixture.Clock.Advance(TimeSpan.FromMinutes(3));
        await Testing.TestWait.UntilAsync(async () => await shortLived.GetActivationIdAsync() != shortBefore, "the short-lived grain is collected");

        Assert.Equal(counterBefore, await counter.GetActivationIdAsync());
    }

    private static Task WaitForDeactivationsAsync(string key, int count) =>
        Testing.TestWait.UntilAsync(() => CounterGrain.Deactivations.GetValueOrDefault(key) >= count, $"grain {key} deactivates");
}
