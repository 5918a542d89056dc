using OrleansDelivery.Postgres.Tests.Grains;

namespace OrleansDelivery.Postgres.Tests;

[Collection(PostgresClusterCollection.Name)]
public sealed class ReminderTests(PostgresClusterFixture fixture)
{
    [Fact]
    public async Task A_reminder_is_a_readable_row_until_it_is_unregistered()
    {
        var key = Guid.NewGuid().ToString("N");
        var probe = fixture.Cluster.Client.GetGrain<IReminderProbeGrain>(key);

        await probe.ScheduleAsync(TimeSpan.FromHours(1));
        await probe.ScheduleAsync(TimeSpan.FromHours(2));

        // Re-registering updates the one row and moves its version on; the period reads as an interval.
        Assert.Equal(
            "1 reminder(s), version 2, every 00:01:00",
            await fixture.Database.QueryScalarAsync<string>("""
                SELECT count(*) || ' reminder(s), version ' || max(version) || ', every ' || max(period)::text
                FROM orleans_reminders WHERE grain_id = $1 AND reminder_name = 'tick'
                """, probe.GetGrainId().ToString()));

        Assert.True(await probe.CancelAsync());
        Assert.False(await probe.CancelAsync());
        Assert.Equal(0L, await fixture.Database.QueryScalarAsync<long>("SELECT count(*) FROM orleans_reminders WHERE grain_id = $1", probe.GetGrainId().ToString()));
    }
}
