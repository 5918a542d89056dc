using OrleansDelivery.Runtime.Testing;
using OrleansDelivery.Runtime.Tests.Grains;

namespace OrleansDelivery.Runtime.Tests;

public sealed class TimerAndReminderTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_grain_timer_ticks_with_the_fake_clock_and_stops_when_disposed()
    {
        var grain = fixture.Grains.GetGrain<ITickingGrain>(ClusterFixture.NewKey());
        await grain.StartTimerAsync(TimeSpan.FromSeconds(10), gate: null);

        for (var expected = 1; expected <= 3; expected++)
        {
            fixture.Clock.Advance(TimeSpan.FromSeconds(10));
            var target = expected;
            await TestWait.UntilAsync(async () => await grain.TimerTicksAsync() == target, $"tick {target}");
        }

        await grain.StopTimerAsync();
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(3, await grain.TimerTicksAsync());
    }

    [Fact]
    public async Task The_next_tick_is_scheduled_only_after_the_callback_completes()
    {
        var grain = fixture.Grains.GetGrain<ITickingGrain>(ClusterFixture.NewKey());
        var gate = TestGates.NewName();
        await grain.StartTimerAsync(TimeSpan.FromSeconds(1), gate);

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        await TestGates.WhenEnteredAsync(gate);

        // Many periods pass while the callback is still running: no tick piles up behind it.
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await grain.TimerTicksAsync());

        TestGates.Open(gate);

        // The timer re-arms itself once the callback has finished; keep the clock moving until it ticks again.
        await TestWait.UntilAsync(
            async () =>
            {
                fixture.Clock.Advance(TimeSpan.FromSeconds(1));
                return await grain.TimerTicksAsync() >= 2;
            },
            "the second tick");
        await grain.StopTimerAsync();
    }

    [Fact]
    public async Task A_reminder_activates_its_grain_on_each_due_time()
    {
        var key = ClusterFixture.NewKey();
        var grain = fixture.Grains.GetGrain<ITickingGrain>(key);
        await grain.RegisterReminderAsync("nudge", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        Assert.Equal(["nudge"], await grain.ReminderNamesAsync());

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await TestWait.UntilAsync(() => TickingGrain.ReminderTicks.GetValueOrDefault($"{key}/nudge") == 1, "first reminder tick");
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await TestWait.UntilAsync(() => TickingGrain.ReminderTicks.GetValueOrDefault($"{key}/nudge") == 2, "second reminder tick");

        await grain.UnregisterReminderAsync("nudge");
        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(await grain.ReminderNamesAsync());
        Assert.Equal(2, TickingGrain.ReminderTicks.GetValueOrDefault($"{key}/nudge"));
    }

    [Fact]
    public async Task A_reminder_period_below_the_minimum_is_refused()
    {
        var grain = fixture.Grains.GetGrain<ITickingGrain>(ClusterFixture.NewKey());

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => grain.RegisterReminderAsync("too-fast", TimeSpan.Zero, TimeSpan.FromSeconds(5)));

        Assert.Contains("grain timer", error.Message);
    }
}

public sealed class ReminderRestartTests
{
    [Fact]
    public async Task A_reminder_survives_a_silo_restart_and_ticks_in_the_new_silo()
    {
        await using var cluster = await InProcessTestCluster.StartAsync();
        var key = ClusterFixture.NewKey();
        await cluster.GrainFactory.GetGrain<ITickingGrain>(key).RegisterReminderAsync("daily", TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(60));

        await cluster.StopSiloAsync();
        await cluster.StartSiloAsync();
        cluster.TimeProvider.Advance(TimeSpan.FromMinutes(2));

        await TestWait.UntilAsync(() => TickingGrain.ReminderTicks.GetValueOrDefault($"{key}/daily") == 1, "the reminder ticks after the restart");
    }
}
