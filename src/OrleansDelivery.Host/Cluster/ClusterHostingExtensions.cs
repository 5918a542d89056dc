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
}
