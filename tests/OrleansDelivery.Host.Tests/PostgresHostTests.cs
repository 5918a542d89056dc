using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>Nodes in <c>Postgres</c> mode, clustering through Orleans' ADO.NET provider and our <c>sql/</c> scripts.</summary>
public sealed class PostgresHostTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_nodes_on_one_fresh_database_migrate_it_and_form_one_cluster()
    {
        var connectionString = await FreshDatabaseAsync();
        await using var first = DeliveryApplication.OnPostgres(connectionString).Start();
        await using var second = DeliveryApplication.OnPostgres(connectionString).Start();

        foreach (var node in new[] { first, second })
        {
            var body = await Wait.UntilAsync(
                async () => (await node.GetHealthAsync()).Body,
                health => health.GetProperty("activeSilos").GetInt32() == 2,
                TimeSpan.FromSeconds(60),
                "both nodes to see two active silos");
            Assert.Equal("Postgres", body.GetProperty("clusterMode").GetString());
            Assert.Equal("Active", body.GetProperty("siloStatus").GetString());
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT array_agg(status_name) FROM orleans_membership WHERE deployment_id = 'test'");
        Assert.Equal(["Active", "Active"], (string[])(await command.ExecuteScalarAsync(Cancellation))!);
    }

    [Fact]
    public async Task Six_nodes_starting_at_once_on_an_empty_database_apply_each_script_once_and_form_one_cluster()
    {
        var connectionString = await FreshDatabaseAsync();
        var nodes = Enumerable.Range(0, 6).Select(_ => DeliveryApplication.OnPostgres(connectionString)).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(node => Task.Run(node.Start, Cancellation)));

            var applied = nodes
                .SelectMany(node => node.Logs.Messages(typeof(Postgres.PostgresMigrator).FullName!))
                .Where(message => message.StartsWith("Applying PostgreSQL migration", StringComparison.Ordinal))
                .ToList();
            Assert.Equal(
                Postgres.PostgresMigrator.Migrations.Select(m => $"Applying PostgreSQL migration {m.Version} ({m.Name})"),
                applied.Order(StringComparer.Ordinal));
            await Wait.UntilAsync(
                async () => (await nodes[0].GetHealthAsync()).Body.GetProperty("activeSilos").GetInt32(),
                active => active == 6,
                TimeSpan.FromSeconds(90),
                "six active silos");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_orleans_client_finds_the_gateways_through_the_membership_table()
    {
        var connectionString = await FreshDatabaseAsync();
        await using var node = DeliveryApplication.OnPostgres(connectionString, clusterId: "gateways").Start();

        // What a front-end node will do: discover gateways in PostgreSQL, then call into the cluster.
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<Orleans.Configuration.ClusterOptions>(cluster =>
            {
                cluster.ClusterId = "gateways";
                cluster.ServiceId = "orleans-delivery";
            });
            client.UseAdoNetClustering(clustering =>
            {
                clustering.Invariant = Postgres.PostgresSiloBuilderExtensions.NpgsqlInvariant;
                clustering.ConnectionString = connectionString;
            });
        });
        using var client = builder.Build();
        await client.StartAsync(Cancellation);

        var hosts = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

        Assert.Equal(node.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress, Assert.Single(hosts.Keys));
        await client.StopAsync(Cancellation);
    }

    [Fact]
    public async Task Old_dead_silo_rows_are_cleaned_up_and_live_ones_kept()
    {
        var connectionString = await FreshDatabaseAsync();
        await using var node = DeliveryApplication.OnPostgres(connectionString).Start();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var insert = dataSource.CreateCommand("""
            INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
            VALUES ('test', '10.0.0.9', 11111, 1, 'long-gone', 'old-host', 6, 30000, now() - interval '3 days', now() - interval '3 days'),
                   ('test', '10.0.0.9', 11111, 2, 'just-died', 'old-host', 6, 30000, now() - interval '5 minutes', now() - interval '5 minutes')
            """))
        {
            await insert.ExecuteNonQueryAsync(Cancellation);
        }

        // What Orleans' cleanup agent does every Cluster:Membership:DefunctSiloCleanupPeriod, with rows older than
        // DefunctSiloExpiration (a day by default).
        await node.Services.GetRequiredService<IMembershipTable>().CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1), Cancellation);

        await using var names = dataSource.CreateCommand("SELECT array_agg(silo_name ORDER BY generation) FROM orleans_membership WHERE deployment_id = 'test'");
        var remaining = (string[])(await names.ExecuteScalarAsync(Cancellation))!;
        Assert.DoesNotContain("long-gone", remaining);
        Assert.Contains("just-died", remaining);
        Assert.Equal(2, remaining.Length); // "just-died" and the running node itself
    }

    [Fact]
    public void A_node_whose_database_cannot_be_reached_does_not_start_and_says_where_it_looked()
    {
        using var node = DeliveryApplication.OnPostgres("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2");

        var error = Assert.ThrowsAny<Exception>(() => node.Start());

        var messages = error.ToString();
        Assert.Contains("PostgreSQL at 127.0.0.1:1", messages, StringComparison.Ordinal);
        Assert.Contains("unreachable", messages, StringComparison.Ordinal);
    }

    private static async Task<string> FreshDatabaseAsync()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        return await server.CreateDatabaseAsync(Cancellation);
    }
}
