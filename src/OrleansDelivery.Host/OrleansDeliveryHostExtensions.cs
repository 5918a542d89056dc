using OrleansDelivery.Host.Cluster;
using OrleansDelivery.Host.Health;
using OrleansDelivery.Host.Hosting;

namespace OrleansDelivery.Host;

/// <summary>What <c>Program.cs</c> calls: the services of a node, then its endpoints.</summary>
public static class OrleansDeliveryHostExtensions
{
    public static WebApplicationBuilder AddOrleansDelivery(this WebApplicationBuilder builder)
    {
        builder.AddOrleansDeliverySilo();
        builder.Services.AddSingleton<HostClock>();
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication MapOrleansDelivery(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealth();
        app.LogListeningAddressesOnStart();
        return app;
    }
}
