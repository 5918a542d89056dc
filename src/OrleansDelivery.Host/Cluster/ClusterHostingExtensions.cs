using Orleans.Configuration;
using OrleansDelivery.Host.Operations;
using OrleansDelivery.Postgres;
using OrleansDelivery.Postgres.Streaming;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Host.Cluster;

public static class ClusterHostingExtensions
{
    /// <summary>
    /// Co-hosts a silo in this web application, configured from the <c>Cluster</c> section, read and checked by
    /// <see cref="ClusterSettings.FromConfiguration"/> before anything starts.
    /// </summary>
    public static readonly TimeSpan StreamPullingPeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The Orleans side of a node, by <see cref="ClusterSettings.Role"/>: a co-hosted silo, or a client of the silos.
    /// Either way the node's services see <see cref="IGrainFactory"/> and <see cref="IClusterClient"/> alike.
    /// </summary>
    public static WebApplicationBuilder AddOrleansDeliveryCluster(this WebApplicationBuilder builder, ClusterSettings settings)
    {
        // A stopping silo deactivates its grains, and the projections write their state as they go.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.ShutdownTimeout);
        return settings.Role == ClusterRole.Frontend
            ? builder.AddOrleansDeliveryFrontend(settings)
            : builder.AddOrleansDeliverySilo(settings);
    }

    public static WebApplicationBuilder AddOrleansDeliverySilo(this WebApplicationBuilder builder, ClusterSettings settings)
    {
        builder.Services.AddSingleton(settings);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = settings.ClusterId;
                cluster.ServiceId = settings.ServiceId;
            });

            switch (settings.Mode)
            {
                case ClusterMode.Localhost:
                    silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
                    silo.AddMemoryGrainStorageAsDefault();
                    silo.AddMemoryGrainStorage("PubSubStore");
                    silo.UseInMemoryReminderService();
                    break;

                case ClusterMode.Postgres:
                    silo.ConfigureEndpoints(
                        settings.AdvertisedAddress ?? System.Net.IPAddress.Loopback,
                        settings.SiloPort,
                        settings.GatewayPort,
                        listenOnAnyHostAddress: settings.AdvertisedAddress is not null);
                    silo.UsePostgres(postgres =>
                    {
                        postgres.ConnectionString = settings.PostgresConnectionString!;
                        postgres.ApplyMigrationsOnStartup = settings.MigrateOnStartup;
                    });
                    // Only a silo among others can be declared dead behind its back while frozen.
                    builder.Services.AddSingleton<FreezeGuard>();
                    builder.Services.AddHostedService(services => services.GetRequiredService<FreezeGuard>());
                    silo.AddIncomingGrainCallFilter<FreezeGuardCallFilter>();
                    // Orleans' default directory loses the entries a crashed silo held, so a grain whose entry was there
                    // can get a second activation while the first lives on: the new one writes, the old one keeps
                    // answering reads from the state before (CI: an order read back at Cooking after a tracking client
                    // had been sent ReadyForDelivery). The distributed directory recovers a crashed silo's ranges from
                    // the activations the others hold, so a grain keeps one activation through a failover.
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10; chosen for the guarantee above (docs/architecture.md).
                    silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
                    // After a crash the directory holds the dead silo's grains back for a lease counted from its estimated
                    // failure, by default twice the detection window (12 s here): time for a cut-off silo to learn it is
                    // dead. One window ends the lease as the death is declared, so failover stays within 5 s; a frozen
                    // silo that wakes is kept from serving by the FreezeGuard instead.
                    silo.Configure<GrainDirectoryOptions>(directory =>
                        directory.RangeLeaseDuration = settings.Membership.ProbeTimeout * settings.Membership.NumMissedProbesLimit);
                    break;
            }

            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = settings.Membership.ProbeTimeout;
                membership.NumMissedProbesLimit = settings.Membership.NumMissedProbesLimit;
                membership.NumVotesForDeathDeclaration = settings.Membership.NumVotesForDeathDeclaration;
                membership.EnableConnectionLivenessCheck = settings.Membership.EnableConnectionLivenessCheck;
                membership.TableRefreshTimeout = settings.Membership.TableRefreshTimeout;
                membership.DefunctSiloExpiration = settings.Membership.DefunctSiloExpiration;
                membership.DefunctSiloCleanupPeriod = settings.Membership.DefunctSiloCleanupPeriod;
            });

            // Each queue is polled on this period: it bounds how late a status change reaches a tracking client
            // (the default, 100 ms, is most of a push's latency), at the cost of polling idle queues more often.
            // PostgreSQL queues answer an idle poll from memory (a NOTIFY marks a queue worth reading), so the short
            // period costs no round trips there.
            if (settings.Mode == ClusterMode.Postgres)
            {
                silo.AddPostgresStreams(
                    StreamProviders.Events,
                    streams => builder.Configuration.GetSection(PostgresStreamOptions.Section).Bind(streams),
                    streams => streams.ConfigurePullingAgent(agent => agent.Configure(options => options.GetQueueMsgsTimerPeriod = StreamPullingPeriod)));
            }
            else
            {
                silo.AddMemoryStreams(StreamProviders.Events, streams => streams.ConfigurePullingAgent(agent =>
                    agent.Configure(options => options.GetQueueMsgsTimerPeriod = StreamPullingPeriod)));
            }

            silo.AddOrleansDeliveryOperations(builder.Configuration);
        });

        return builder;
    }

    /// <summary>
    /// The web tier alone, as an Orleans client of the silos: it finds their gateways in the PostgreSQL membership
    /// table (<see cref="ClusterSettings.Mode"/> must be Postgres, which <see cref="ClusterSettings"/> checks).
    /// </summary>
    public static WebApplicationBuilder AddOrleansDeliveryFrontend(this WebApplicationBuilder builder, ClusterSettings settings)
    {
        builder.Services.AddSingleton(settings);
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = settings.ClusterId;
                cluster.ServiceId = settings.ServiceId;
            });
            client.UsePostgresClustering(settings.PostgresConnectionString!);
            // A frozen silo keeps its connections open: only the refreshed gateway list shows it dead, and only then
            // does the client close its connection and fail the calls waiting on it (see MembershipSettings).
            client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = settings.Membership.GatewayListRefreshPeriod);

            // The client's stream provider matches the silos' by name and kind: the durable PostgreSQL provider, whose
            // producer side appends straight to PostgreSQL (only silos read the queues).
            client.AddPostgresStreams(StreamProviders.Events, streams =>
            {
                builder.Configuration.GetSection(PostgresStreamOptions.Section).Bind(streams);
                streams.ConnectionString = settings.PostgresConnectionString!;
            });
            client.AddOrleansDeliveryOperations(builder.Configuration);

            // A front-end started before any silo (or while every silo restarts) waits for one rather than failing.
            client.UseConnectionRetryFilter<GatewayRetryFilter>();
        });

        return builder;
    }
}
