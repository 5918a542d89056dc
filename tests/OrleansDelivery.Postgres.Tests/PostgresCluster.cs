using Orleans.Configuration;
using Orleans.TestingHost;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>
/// An in-process Orleans test cluster whose grain state, stream pub-sub state and reminders live in PostgreSQL,
/// through Orleans' ADO.NET providers and our <c>sql/</c> scripts. Membership is the test cluster's own.
/// </summary>
internal static class PostgresCluster
{
    public const string Streams = "test-streams";

    public static async Task<InProcessTestCluster> StartAsync(string connectionString, short silos = 2, string serviceId = "postgres-tests")
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPostgresDataSource(connectionString);
            silo.AddPostgresGrainStorage(Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
            silo.AddPostgresGrainStorage(Orleans.Providers.ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
            silo.UsePostgresReminders();
            silo.AddMemoryStreams(Streams);

            // The product's membership timings (Cluster:Membership defaults): a dead silo is declared in seconds.
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(2);
                membership.NumMissedProbesLimit = 3;
                membership.EnableConnectionLivenessCheck = false;
            });
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(Streams));

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}

/// <summary>One two-silo cluster on one migrated database, shared by the tests of a collection; each test uses fresh keys.</summary>
public sealed class PostgresClusterFixture : IAsyncLifetime
{
    private PostgresTestDatabase? _database;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    internal PostgresTestDatabase Database => _database!;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        Cluster = await PostgresCluster.StartAsync(_database.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await _database!.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresClusterFixture>
{
    public const string Name = "Two silos on PostgreSQL";
}
