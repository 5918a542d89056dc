using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansDelivery.Browser.Tests;

/// <summary>
/// The real host (<see cref="Program"/>) on a real loopback port, so a browser can reach it: in memory, the demo
/// catalogue, free silo and gateway ports, the Testing environment (which maps the development mailbox) and a
/// configured first admin — as the API tests' host, plus Kestrel.
/// </summary>
public abstract class BrowserHost : WebApplicationFactory<Program>
{
    public const string AdminLogin = "first_admin";

    protected BrowserHost(bool simulateKitchen)
    {
        Settings = new Dictionary<string, string?>
        {
            ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Auth:Admin:Login"] = AdminLogin,
            ["Auth:Admin:Email"] = "admin@orleans-delivery.example",
            ["Auth:Admin:Password"] = AdminPassword,
            ["Kitchen:Simulate"] = simulateKitchen ? "true" : "false",
            // A simulated half hour passes in under two seconds, so a test watches a whole delivery.
            ["Kitchen:TimeScale"] = "1000",
        };
        UseKestrel(0);
    }

    /// <summary>Made up per host, as an operator would set it.</summary>
    public string AdminPassword { get; } = $"admin-{Guid.NewGuid():N}";

    public Dictionary<string, string?> Settings { get; }

    /// <summary>Where the browser finds the host, e.g. <c>http://127.0.0.1:43121/</c>.</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A host whose simulated kitchen moves every confirmed order to Delivered by itself, quickly.</summary>
public sealed class LiveKitchenHost() : BrowserHost(simulateKitchen: true);

/// <summary>A host without the simulated kitchen: orders stay where they are until someone moves them.</summary>
public sealed class StaffKitchenHost() : BrowserHost(simulateKitchen: false);
