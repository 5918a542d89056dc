using OrleansDelivery.Runtime.Tests.Grains;

namespace OrleansDelivery.Runtime.Tests;

public sealed class TurnBasedExecutionTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_thousand_concurrent_calls_to_one_non_reentrant_grain_never_overlap()
    {
        var probe = fixture.Grains.GetGrain<IOverlapProbeGrain>(Guid.NewGuid());

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() => probe.EnterAsync(i))));

        Assert.Equal(Enumerable.Range(0, 1000), results);
        Assert.Equal(1, await probe.MaxOverlapAsync());
        Assert.Equal(1000, (await probe.SeenAsync()).Distinct().Count());
    }

    [Fact]
    public async Task Calls_from_one_caller_run_in_the_order_they_were_sent()
    {
        var probe = fixture.Grains.GetGrain<IOverlapProbeGrain>(Guid.NewGuid());

        var calls = Enumerable.Range(0, 200).Select(probe.EnterAsync).ToList();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 200), await probe.SeenAsync());
    }

    [Fact]
    public async Task A_normal_call_waits_for_the_running_one_but_an_always_interleave_call_does_not()
    {
        var grain = fixture.Grains.GetGrain<IGateGrain>(ClusterFixture.NewKey());
        var gate = TestGates.NewName();

        var blocked = grain.BlockAsync(gate);
        await TestGates.WhenEnteredAsync(gate);
        var quick = grain.QuickAsync();

        // AlwaysInterleave runs now, in the middle of the blocked turn, and sees it running.
        Assert.Equal(1, await grain.RunningCountAsync());
        Assert.False(quick.IsCompleted);
        Assert.False(blocked.IsCompleted);

        TestGates.Open(gate);
        Assert.Equal("blocked:" + gate, await blocked);
        Assert.Equal("quick", await quick);
    }

    [Fact]
    public async Task Read_only_calls_interleave_with_each_other_but_not_with_writers()
    {
        var grain = fixture.Grains.GetGrain<IGateGrain>(ClusterFixture.NewKey());
        var first = TestGates.NewName();
        var second = TestGates.NewName();

        var firstRead = grain.ReadBlockAsync(first);
        await TestGates.WhenEnteredAsync(first);
        var secondRead = grain.ReadBlockAsync(second);

        // The second read-only call entered while the first is still inside.
        await TestGates.WhenEnteredAsync(second);
        Assert.Equal(2, await grain.RunningCountAsync());
        var writer = grain.QuickAsync();

        TestGates.Open(first);
        await firstRead;
        Assert.False(writer.IsCompleted);
        TestGates.Open(second);
        await secondRead;
        Assert.Equal("quick", await writer);
    }

    [Fact]
    public async Task A_writer_blocks_read_only_calls_until_it_finishes()
    {
        var grain = fixture.Grains.GetGrain<IGateGrain>(ClusterFixture.NewKey());
        var gate = TestGates.NewName();

        var writer = grain.BlockAsync(gate);
        await TestGates.WhenEnteredAsync(gate);
        var read = grain.QuickReadAsync();
        Assert.Equal(1, await grain.RunningCountAsync());
        Assert.False(read.IsCompleted);

        TestGates.Open(gate);
        await writer;
        Assert.Equal("quick-read", await read);
    }

    [Fact]
    public async Task A_reentrant_grain_interleaves_every_call_at_await_points()
    {
        var grain = fixture.Grains.GetGrain<IReentrantGateGrain>(ClusterFixture.NewKey());
        var first = TestGates.NewName();
        var second = TestGates.NewName();

        var one = grain.BlockAsync(first);
        await TestGates.WhenEnteredAsync(first);
        var two = grain.BlockAsync(second);
        await TestGates.WhenEnteredAsync(second);
        Assert.Equal("quick", await grain.QuickAsync());

        TestGates.Open(second);
        Assert.Equal("blocked:" + second, await two);
        Assert.False(one.IsCompleted);
        TestGates.Open(first);
        await one;
    }

    [Fact]
    public async Task An_exception_thrown_by_a_grain_reaches_the_caller_with_its_type_and_message()
    {
        var grain = fixture.Grains.GetGrain<ICounterGrain>(ClusterFixture.NewKey());

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.ThrowAsync("quantity must be positive"));

        Assert.StartsWith("quantity must be positive", error.Message);
        Assert.Equal("delta", error.ParamName);

        // The activation is still usable afterwards.
        Assert.Equal(3, await grain.AddAsync(3));
    }

    [Fact]
    public async Task Getting_a_reference_activates_nothing()
    {
        var status = (Hosting.ISiloStatus)fixture.Cluster.Services.GetService(typeof(Hosting.ISiloStatus))!;
        var key = ClusterFixture.NewKey();
        var before = status.ActivationsByType().GetValueOrDefault("counter");

        var grain = fixture.Grains.GetGrain<ICounterGrain>(key);
        Assert.Equal(before, status.ActivationsByType().GetValueOrDefault("counter"));

        await grain.GetAsync();
        Assert.Equal(grain, fixture.Grains.GetGrain<ICounterGrain>(key));
        Assert.Equal($"counter/{key}", grain.GetGrainId().ToString());
    }
}
