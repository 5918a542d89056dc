using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace OrleansDelivery.Host.Tests;

/// <summary>
/// The real host (<see cref="Program"/>) with its co-hosted silo, in memory by default. Each instance takes free
/// silo and gateway ports, so several can run at once; <see cref="Settings"/> overrides any configuration key.
/// </summary>
public sealed class DeliveryApplication : WebApplicationFactory<Program>
{
    public DeliveryApplication()
    {
        Settings = new Dictionary<string, string?>
        {
            ["Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A host with these settings on top of the defaults (free ports, in-memory mode).</summary>
    public static DeliveryApplication With(IReadOnlyDictionary<string, string?> settings)
    {
        var app = new DeliveryApplication();
        foreach (var (key, value) in settings)
        {
            app.Settings[key] = value;
        }

        return app;
    }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>Everything the host logged at Information or above.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A node in <c>Postgres</c> mode on the given database, in cluster <paramref name="clusterId"/>.</summary>
    public static DeliveryApplication OnPostgres(string connectionString, string clusterId = "test") => With(new Dictionary<string, string?>
    {
        ["Cluster:Mode"] = "Postgres",
        ["Cluster:ClusterId"] = clusterId,
        ["ConnectionStrings:Postgres"] = connectionString,
    });

    /// <summary>What a monitoring probe sees at <c>GET /health</c>: the status code and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync()
    {
        using var client = CreateClient();
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (response.StatusCode, body);
    }

    /// <summary>Starts the host now (the factory otherwise starts on first use), surfacing start-up failures.</summary>
    public DeliveryApplication Start()
    {
        _ = Server;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));

        // Host settings reach the configuration before Program reads it; ConfigureAppConfiguration would come too late.
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
