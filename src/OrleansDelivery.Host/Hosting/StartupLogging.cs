using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OrleansDelivery.Host.Cluster;

namespace OrleansDelivery.Host.Hosting;

internal static partial class StartupLogging
{
    /// <summary>Says where the application listens once the server has bound its ports (port 0 is resolved by then).</summary>
    public static void LogListeningAddressesOnStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            // Start the uptime clock with the server, not with the first health request.
            _ = app.Services.GetRequiredService<HostClock>();
            var settings = app.Services.GetRequiredService<ClusterSettings>();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansDelivery.Host");
            foreach (var address in addresses)
            {
                Listening(logger, address, $"{address.TrimEnd('/')}/health", settings.Mode, settings.ClusterId);
            }
        });
    }

    [LoggerMessage(1000, LogLevel.Information, "OrleansDelivery is listening on {Address} (health: {HealthUrl}, cluster mode: {ClusterMode}, cluster: {ClusterId})")]
    private static partial void Listening(ILogger logger, string address, string healthUrl, ClusterMode clusterMode, string clusterId);
}
