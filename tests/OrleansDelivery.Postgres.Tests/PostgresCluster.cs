using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansDelivery.Postgres.Streaming;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>
/// An in-process Orleans test cluster whose grain state, stream pub-sub state and reminders live in PostgreSQL,
/// through Orleans' ADO.NET providers and our <c>sql/</c> scripts. Membership is the test cluster's own.
/// </summary>
internal static class PostgresCluster
{
    public const string Streams = "test-streams";

    /// <summary>The durable PostgreSQL stream provider, on the silos and the client.</summary>
    public const string DurableStreams = "durable";

    /// <summary>The same provider with a cache so small that rewinds are read from the table.</summary>
    public const string SmallCacheStreams = "durable-small-cache";

    public const int DurableQueueCount = 4;

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
            silo.AddPostgresStreams(DurableStreams, streams => streams.QueueCount = DurableQueueCount, FastPulling);
            silo.AddPostgresStreams(SmallCacheStreams, streams => (streams.QueueCount, streams.CacheSize) = (DurableQueueCount, 16), FastPulling);

            // The product's membership timings (Cluster:Membership defaults): a dead silo is declared in seconds.
            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromSeconds(2);
                membership.NumMissedProbesLimit = 3;
                membership.EnableConnectionLivenessCheck = false;
            });
        });
        builder.ConfigureClient(client =>
        {
            client.AddMemoryStreams(Streams);
            client.AddPostgresStreams(DurableStreams, streams => (streams.ConnectionString, streams.QueueCount) = (connectionString, DurableQueueCount));
            client.AddPostgresStreams(SmallCacheStreams, streams => (streams.ConnectionString, streams.QueueCount) = (connectionString, DurableQueueCount));
        });

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    // As the product polls: an idle poll of a PostgreSQL queue costs no round trip.
    private static void FastPulling(ISiloPersistentStreamConfigurator streams) =>
        streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(20)));
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
