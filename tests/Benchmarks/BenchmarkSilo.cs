using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansDelivery.Benchmarks;

/// <summary>Real Orleans silos in this process, on loopback TCP, with logging quiet enough not to be measured.</summary>
internal static class BenchmarkSilo
{
    /// <summary>Starts a silo; pass the first silo's endpoint to join its cluster instead of starting a new one.</summary>
    public static async Task<IHost> StartAsync(IPEndPoint? primary = null, Action<ISiloBuilder>? configure = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), primary, serviceId: "benchmarks", clusterId: "benchmarks");
            silo.AddMemoryGrainStorageAsDefault();
            configure?.Invoke(silo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IPEndPoint Endpoint(IHost silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint;

    public static IGrainFactory Grains(IHost silo) => silo.Services.GetRequiredService<IGrainFactory>();

    public static long SettledHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
