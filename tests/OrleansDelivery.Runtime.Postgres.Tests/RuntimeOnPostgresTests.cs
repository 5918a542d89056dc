using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Runtime.Postgres.Tests.Grains;
using OrleansDelivery.Runtime.Testing;
using OrleansDelivery.Runtime.Testing.Postgres;

namespace OrleansDelivery.Runtime.Postgres.Tests;

/// <summary>
/// The runtime itself on PostgreSQL: silos of an <see cref="InProcessTestCluster"/> configured with
/// <c>UsePostgres</c>, restarted as new cluster objects on the same database, and a server that goes away.
/// The fake clock only moves when a test moves it, so every wait that could hang is capped in real time.
/// </summary>
public sealed class RuntimeOnPostgresTests
{
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reminder_registered_through_a_grain_survives_its_silo_and_ticks_in_a_new_one()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var database = await server.CreateDatabaseAsync(Cancellation);
        var clock = new FakeTimeProvider();
        var key = Guid.NewGuid().ToString("N");

        await using (var first = await StartSiloAsync(database, clock, "first-silo"))
        {
            Assert.IsType<PostgresReminderTable>(first.Services.GetRequiredService<IReminderTable>());
            await first.GrainFactory.GetGrain<IReminderProbeGrain>(key).RegisterAsync("daily", TimeSpan.FromMinutes(2), TimeSpan.FromHours(1));
            await first.StopSiloAsync(Cancellation);
        }

        await using var second = await StartSiloAsync(database, clock, "second-silo");
        clock.Advance(TimeSpan.FromMinutes(2));

        await TestWait.UntilAsync(() => ReminderProbeGrain.Ticks.ContainsKey($"{key}/daily"), "the reminder ticks after the restart", Cap);
        Assert.Equal(["second-silo"], ReminderProbeGrain.Ticks[$"{key}/daily"]);
        await DropAsync(server, database);
    }

    [Fact]
    public async Task Grain_state_written_through_one_silo_is_read_by_a_fresh_silo()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var database = await server.CreateDatabaseAsync(Cancellation);
        var key = Guid.NewGuid().ToString("N");

        await using (var writer = await StartSiloAsync(database, new FakeTimeProvider(), "writer-silo"))
        {
            Assert.IsType<PostgresGrainStorage>(writer.Services.GetRequiredKeyedService<IGrainStorage>(GrainStorageNames.Default));
            await writer.GrainFactory.GetGrain<INoteGrain>(key).SetAsync("written by the first silo");
        }

        await using var reader = await StartSiloAsync(database, new FakeTimeProvider(), "reader-silo");

        Assert.Equal("written by the first silo", await reader.GrainFactory.GetGrain<INoteGrain>(key).GetAsync());
        await DropAsync(server, database);
    }

    [Fact]
    public async Task A_write_while_the_server_is_down_fails_as_unreachable_and_the_grain_recovers_with_the_last_stored_state()
    {
        await using var server = await PostgresTestServer.StartPrivateAsync(Cancellation);
        var database = await server.CreateDatabaseAsync(Cancellation);
        await using var cluster = await StartSiloAsync(database, new FakeTimeProvider(), "fault-silo");
        var grain = cluster.GrainFactory.GetGrain<INoteGrain>(Guid.NewGuid().ToString("N"));
        await grain.SetAsync("stored before the outage");

        await server.StopAsync(Cancellation);
        // The cap turns a hang into a failure: the error must come from the provider, not from a timeout.
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => grain.SetAsync("lost in the outage").WaitAsync(Cap, Cancellation));
        await server.StartAsync(Cancellation);

        Assert.StartsWith("PostgreSQL grain storage is unreachable", failure.Message, StringComparison.Ordinal);
        // The failed write dropped the activation, so the grain comes back with what is stored, not what it held.
        Assert.Equal("stored before the outage", await grain.GetAsync().WaitAsync(Cap, Cancellation));
        await grain.SetAsync("stored after the outage").WaitAsync(Cap, Cancellation);
        await using var freshSilo = await StartFreshSiloAfterAsync(cluster, database);
        Assert.Equal("stored after the outage", await freshSilo.GrainFactory.GetGrain<INoteGrain>(grain.GetGrainId().Key).GetAsync());
    }

    private static Task<InProcessTestCluster> StartSiloAsync(string connectionString, FakeTimeProvider clock, string siloName) =>
        InProcessTestCluster.StartAsync(
            options =>
            {
                options.TimeProvider = clock;
                options.ConfigureOptions = silo => silo.SiloName = siloName;
                options.ConfigureSilo = silo => silo.UsePostgres(connectionString, postgres => postgres.ConnectTimeout = TimeSpan.FromSeconds(5));
            },
            Cancellation);

    /// <summary>Stops the silo and reads back through a new one, so the value comes from the database, not an activation.</summary>
    private static async Task<InProcessTestCluster> StartFreshSiloAfterAsync(InProcessTestCluster previous, string connectionString)
    {
        await previous.StopSiloAsync(Cancellation);
        return await StartSiloAsync(connectionString, new FakeTimeProvider(), "fresh-silo");
    }

    private static async Task DropAsync(PostgresTestServer server, string database)
    {
        if (!server.IsPrivate)
        {
            await server.DropDatabaseAsync(database, Cancellation);
        }
    }
}
