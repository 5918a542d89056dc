using OrleansDelivery.Postgres.Tests.Grains;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Postgres.Tests;

public sealed class OutageTests
{
    [Fact]
    public async Task With_postgres_stopped_calls_fail_with_a_clear_error_and_succeed_again_once_it_is_back()
    {
        await using var server = await PostgresTestServer.StartPrivateAsync(TestContext.Current.CancellationToken);
        await using var database = await PostgresTestDatabase.CreateAsync(server);
        // A short connect timeout, as an operator would set, so a dead server fails a call in seconds.
        await using var cluster = await PostgresCluster.StartAsync(database.ConnectionString + ";Timeout=3", silos: 1);
        var key = Guid.NewGuid().ToString("N");
        var note = cluster.Client.GetGrain<INoteGrain>(key);
        await note.SetAsync("before the outage");

        await server.StopAsync(TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => note.SetAsync("during the outage"));

        // Not Orleans' call timeout: the storage failed fast, and says the database could not be reached.
        Assert.IsNotType<TimeoutException>(error);
        Assert.Contains("connect", error.ToString(), StringComparison.OrdinalIgnoreCase);

        await server.StartAsync(TestContext.Current.CancellationToken);
        await Wait.UntilAsync(
            async () =>
            {
                await note.SetAsync("after the outage");
                return true;
            },
            _ => true,
            TimeSpan.FromSeconds(60),
            "a write to succeed once PostgreSQL is back");

        // The test's own pooled connections died with the server too.
        database.DataSource.Clear();
        Assert.Equal("after the outage", await database.QueryScalarAsync<string>(
            "SELECT payload->>'Text' FROM orleans_grain_state WHERE grain_key = $1", key));
    }
}
