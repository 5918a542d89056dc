using OrleansDelivery.Host.Health;
using OrleansDelivery.Host.Hosting;
using OrleansDelivery.Host.Storage;
using OrleansDelivery.Runtime.Hosting;

namespace OrleansDelivery.Host;

/// <summary>Builds the web application with its silo; Program runs it, tests start it on a free port.</summary>
public static class HostSetup
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Fails here, before anything starts, when Storage:Provider names no known provider.
        var storage = StorageSelection.FromConfiguration(builder.Configuration);
        builder.AddSilo(silo => silo
            .Configure(options => builder.Configuration.GetSection("Silo").Bind(options))
            .UseStorage(storage, builder.Configuration));
        builder.Services.AddSingleton(storage);
        builder.Services.AddSingleton<HostClock>();

        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealth();
        app.LogListeningAddressesOnStart();
        return app;
    }
}
