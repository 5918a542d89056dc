using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using OrleansDelivery.Grains.Catalog;
using OrleansDelivery.Grains.Notifications;
using OrleansDelivery.Grains.Operations;
using OrleansDelivery.Grains.Payments;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Grains.Tests;

/// <summary>
/// The two-silo cluster every grain test of the collection shares, configured as the embedded <c>Localhost</c>
/// mode is: in-memory grain storage, reminders and streams. Each test uses fresh grain keys.
/// </summary>
/// <remarks>
/// The silos keep the system <see cref="TimeProvider"/>: Orleans 10 reads it for its own timers and start-up
/// deadlines, and a <c>FakeTimeProvider</c> registered in its place stalls stream start-up until it is cancelled.
/// </remarks>
public sealed class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>What the silos' outboxes sent, and which addresses refuse for a while.</summary>
    public RecordingEmailSender Emails { get; } = new();

    /// <summary>The sandbox gateway the silos charge through, recording refunds and able to fail them for a while.</summary>
    public RecordingPaymentGateway Payments { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorageAsDefault();
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.UseInMemoryReminderService();
            silo.AddMemoryStreams(StreamProviders.Events);
            silo.Services.AddSingleton<IPaymentGateway>(Payments);
            silo.Services.Configure<PaymentOptions>(payments =>
            {
                payments.RefundRetryDelay = TimeSpan.FromMilliseconds(50);
                payments.MaxRefundRetryDelay = TimeSpan.FromMilliseconds(200);
            });
            // Short, so a test sees a reservation settled with its order; every order test then also proves that a
            // placed order's stock is kept while it is live.
            silo.Services.Configure<StockOptions>(stock =>
            {
                stock.CheckReservationsAfter = TimeSpan.FromSeconds(2);
                stock.RecheckHeldReservationsEvery = TimeSpan.FromSeconds(4);
            });
            silo.Services.AddDeliveryMetrics();
            silo.Services.AddSingleton<IEmailSender>(Emails);
            silo.Services.AddSingleton(Options.Create(new EmailOutboxOptions { RetryDelay = TimeSpan.FromMilliseconds(50), MaxRetryDelay = TimeSpan.FromMilliseconds(200) }));
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(StreamProviders.Events));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>A key no other test uses.</summary>
    public static string NewKey() => Guid.NewGuid().ToString("N");
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Two in-memory silos";
}
