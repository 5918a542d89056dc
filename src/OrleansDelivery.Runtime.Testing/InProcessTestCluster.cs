using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansDelivery.Runtime.Hosting;
using OrleansDelivery.Runtime.Persistence;
using OrleansDelivery.Runtime.Reminders;
using OrleansDelivery.Runtime.Streams;

namespace OrleansDelivery.Runtime.Testing;

/// <summary>Settings of an <see cref="InProcessTestCluster"/>.</summary>
public sealed class TestClusterOptions
{
    /// <summary>The clock every silo uses; tests move it.</summary>
    public FakeTimeProvider TimeProvider { get; set; } = new();

    /// <summary>Grain assemblies; empty means the test assembly and what it references.</summary>
    public IList<Assembly> GrainAssemblies { get; } = [];

    /// <summary>Applied to each silo's options after the test defaults.</summary>
    public Action<SiloOptions>? ConfigureOptions { get; set; }

    /// <summary>
    /// Configures each silo, for example with PostgreSQL providers: a grain storage "Default", reminder table or
    /// stream log "Default" registered here replaces the shared in-memory one of that kind.
    /// </summary>
    public Action<ISiloBuilder>? ConfigureSilo { get; set; }

    /// <summary>Extra services for each silo (grain dependencies).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

    /// <summary>Minimum level of the log lines written to the test output.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}

/// <summary>
/// A silo in the test process, like Orleans' in-process test cluster: it shares its stores across restarts
/// (in memory unless configured otherwise), runs on a fake clock, and can be stopped gracefully, killed, or
/// restarted. One silo for now: the multi-silo cluster arrives with the membership and directory.
/// </summary>
public sealed class InProcessTestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly MemoryGrainStorage _storage;
    private readonly MemoryReminderTable _reminders = new();
    private readonly MemoryStreamLog _streams = new();
    private IHost? _host;

    private InProcessTestCluster(TestClusterOptions options)
    {
        _options = options;
        _storage = new MemoryGrainStorage(new GrainStateSerializer());
    }

    public FakeTimeProvider TimeProvider => _options.TimeProvider;

    /// <summary>The running silo's services.</summary>
    public IServiceProvider Services => (_host ?? throw new InvalidOperationException("The silo is not running.")).Services;

    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();

    public static async Task<InProcessTestCluster> StartAsync(Action<TestClusterOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new TestClusterOptions();
        configure?.Invoke(options);
        var cluster = new InProcessTestCluster(options);
        await cluster.StartSiloAsync(cancellationToken);
        return cluster;
    }

    public IStreamProvider GetStreamProvider(string name = StreamProviderNames.Default) =>
        Services.GetRequiredKeyedService<IStreamProvider>(name);

    /// <summary>Starts the silo (again, after a stop or kill); state, reminders and streams are as the last one left them.</summary>
    public async Task StartSiloAsync(CancellationToken cancellationToken = default)
    {
        if (_host is not null)
        {
            throw new InvalidOperationException("The silo is already running.");
        }

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole().SetMinimumLevel(_options.MinimumLogLevel);
        builder.Services.AddSingleton<TimeProvider>(_options.TimeProvider);
        _options.ConfigureServices?.Invoke(builder.Services);
        builder.AddSilo(silo =>
        {
            silo.Configure(options =>
            {
                options.SiloName = "test-silo";
                foreach (var assembly in _options.GrainAssemblies)
                {
                    options.GrainAssemblies.Add(assembly);
                }

                _options.ConfigureOptions?.Invoke(options);
            });
            _options.ConfigureSilo?.Invoke(silo);

            // Shared stores survive a silo restart, as a database would. TryAdd, so that a provider configured above
            // wins (the last registration of a service is the one resolved); AddSilo then fills what is still open.
            silo.Services.TryAddKeyedSingleton<IGrainStorage>(GrainStorageNames.Default, _storage);
            silo.Services.TryAddSingleton<IReminderTable>(_reminders);
            silo.Services.TryAddKeyedSingleton<IStreamLog>(StreamProviderNames.Default, _streams);
        });

        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        _host = host;
    }

    /// <summary>Stops the silo gracefully: every grain is deactivated first.</summary>
    public async Task StopSiloAsync(CancellationToken cancellationToken = default)
    {
        var host = _host ?? throw new InvalidOperationException("The silo is not running.");
        _host = null;
        await host.StopAsync(cancellationToken);
        host.Dispose();
    }

    /// <summary>Drops the silo without deactivating anything, as a crash would: only what was stored survives.</summary>
    public void KillSilo()
    {
        var host = _host ?? throw new InvalidOperationException("The silo is not running.");
        _host = null;
        host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await StopSiloAsync();
        }
    }
}
