using System.Net;
using OrleansDelivery.Runtime;
using OrleansDelivery.Runtime.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

public sealed class PostgresHostTests
{
    [Fact]
    public async Task With_postgres_storage_the_host_starts_on_a_fresh_database_and_reports_it()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);

        // Start-up runs the schema migrations, so an empty database is enough.
        await using var host = await HostApplication.StartAsync("--Storage:Provider=Postgres", $"--ConnectionStrings:Postgres={connectionString}");
        var (response, body) = await host.GetHealthAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Postgres", body.GetProperty("storageProvider").GetString());
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_postgres_storage_and_no_server_listening_startup_fails()
    {
        // A port nobody listens on: the migrator cannot connect, so the silo must not start serving.
        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => HostApplication.StartAsync(
            "--Storage:Provider=Postgres",
            "--ConnectionStrings:Postgres=Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2"));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }
}
