using OrleansDelivery.Postgres.Tests.Grains;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>Tests that stop, restart or kill silos, each on a cluster and database of its own.</summary>
public sealed class ClusterLifecycleTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task State_survives_a_full_cluster_restart()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var key = Guid.NewGuid().ToString("N");
        await using (var first = await PostgresCluster.StartAsync(database.ConnectionString))
        {
            await first.Client.GetGrain<INoteGrain>(key).SetAsync("one");
            await first.Client.GetGrain<INoteGrain>(key).SetAsync("two");
            await first.StopAllSilosAsync();
        }

        await using var second = await PostgresCluster.StartAsync(database.ConnectionString);
        var note = await second.Client.GetGrain<INoteGrain>(key).GetAsync();

        Assert.Equal("two", note.Text);
        Assert.Equal(2, note.Writes);
    }

    [Fact]
    public async Task A_reminder_registered_before_a_restart_ticks_after_it()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var key = Guid.NewGuid().ToString("N");
        await using (var first = await PostgresCluster.StartAsync(database.ConnectionString))
        {
            // Due well after this cluster is gone, so only the next cluster can deliver it.
            await first.Client.GetGrain<IReminderProbeGrain>(key).ScheduleAsync(TimeSpan.FromSeconds(8));
            Assert.Equal(0, await first.Client.GetGrain<IReminderProbeGrain>(key).GetTicksAsync());
            await first.StopAllSilosAsync();
        }

        Assert.Equal(1L, await database.QueryScalarAsync<long>(
            "SELECT count(*) FROM orleans_reminders WHERE grain_id LIKE '%' || $1 AND reminder_name = 'tick' AND period = interval '1 minute'", key));

        await using var second = await PostgresCluster.StartAsync(database.ConnectionString);
        var ticks = await Wait.UntilAsync(
            () => second.Client.GetGrain<IReminderProbeGrain>(key).GetTicksAsync(), count => count > 0, Cap, "the reminder to tick on the restarted cluster");

        Assert.Equal(1, ticks);
    }

    [Fact]
    public async Task A_killed_silos_grains_answer_from_the_other_silo_with_their_last_written_state()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var cluster = await PostgresCluster.StartAsync(database.ConnectionString);
        var victim = cluster.Silos[1];
        var victimAddress = victim.SiloAddress.ToParsableString();

        // Placement is Orleans' own; activate notes until some land on the silo about to die.
        var onVictim = new List<string>();
        for (var i = 0; onVictim.Count < 5 && i < 500; i++)
        {
            var key = $"failover-{Guid.NewGuid():N}";
            var note = cluster.Client.GetGrain<INoteGrain>(key);
            await note.SetAsync($"last words of {key}");
            if (await note.GetSiloAsync() == victimAddress)
            {
                onVictim.Add(key);
            }
        }

        Assert.NotEmpty(onVictim);
        await cluster.KillSiloAsync(victim);

        var survivor = cluster.Silos.Single(s => s != victim).SiloAddress.ToParsableString();
        foreach (var key in onVictim)
        {
            // Calls fail (SiloUnavailableException and the like) until membership declares the victim dead.
            var note = await Wait.UntilAsync(
                () => cluster.Client.GetGrain<INoteGrain>(key).GetAsync(), _ => true, Cap, $"{key} to answer after the kill");
            Assert.Equal($"last words of {key}", note.Text);
            Assert.Equal(1, note.Writes);
            Assert.Equal(survivor, await cluster.Client.GetGrain<INoteGrain>(key).GetSiloAsync());
        }
    }
}
