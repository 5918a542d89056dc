using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Host.Catalog;

namespace OrleansDelivery.Benchmarks.Http;

/// <summary>
/// The real host (<c>Program</c> of OrleansDelivery.Host, with its co-hosted silo) in this process, served by Kestrel
/// on a loopback port rather than TestServer, in <c>Postgres</c> mode on the benchmark's database.
/// </summary>
/// <remarks>
/// The factory is named by another public type of the host assembly: it only needs the assembly, and the host's
/// <c>Program</c> would clash with this console app's own top-level <c>Program</c>.
/// </remarks>
internal sealed class BenchmarkHost : WebApplicationFactory<DemoCatalogSeeder>
{
    private readonly string _connectionString;
    private readonly Action<IServiceCollection> _configureServices;

    private readonly IReadOnlyDictionary<string, string?> _settings;

    public BenchmarkHost(string connectionString, Action<IServiceCollection> configureServices, IReadOnlyDictionary<string, string?>? settings = null)
    {
        _connectionString = connectionString;
        _configureServices = configureServices;
        _settings = settings ?? new Dictionary<string, string?>();
        Port = FreePort();
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, Port));
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // WebApplicationFactory looks for its manifest in the current directory, which dotnet run leaves at the caller's.
        builder.UseSolutionRelativeContentRoot(Path.Combine("src", "OrleansDelivery.Host"));
        // "Testing" maps /api/dev/mailbox, where the virtual customers read their sign-up codes.
        builder.UseEnvironment("Testing");
        builder.UseSetting("Cluster:Mode", "Postgres");
        builder.UseSetting("Cluster:ClusterId", "http-benchmark");
        builder.UseSetting("Cluster:SiloPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Cluster:GatewayPort", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("ConnectionStrings:Postgres", _connectionString);
        builder.UseSetting("Catalog:SeedDemo", "true");
        // The host logs nothing per request at Information; Warning only keeps start-up (migrations, seeding) off the report.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:OrleansDelivery", "Warning");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(_configureServices);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
