using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansDelivery.Runtime.Directory;
using OrleansDelivery.Runtime.Hosting;
using OrleansDelivery.Runtime.Messaging;
using OrleansDelivery.Runtime.Reminders;
using OrleansDelivery.Runtime.Streams;

namespace OrleansDelivery.Runtime.Activation;

/// <summary>
/// The silo's runtime: sends calls, owns the catalog of activations, the grain factory, reminders and streams.
/// Knows nothing of orders or any other domain.
/// </summary>
internal sealed class GrainRuntime : IGrainCallSender, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly IGrainLocator _locator;
    private readonly SiloAddress _localSilo;
    private readonly IRemoteGrainTransport? _remote;
    private readonly long _responseTimeoutTicks;
    private readonly Dictionary<string, LogStreamProvider> _streamProviders = new(StringComparer.Ordinal);

    public GrainRuntime(
        IServiceProvider services,
        IOptions<SiloOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        GrainStateSerializer serializer)
    {
        Services = services;
        Options = options.Value;
        TimeProvider = timeProvider;
        Serializer = serializer;
        Logger = loggerFactory.CreateLogger("OrleansDelivery.Runtime");
        Registry = new GrainTypeRegistry(GrainCodeDiscovery.Build(Options.GrainAssemblies), Options.DefaultCollectionAge);
        Registry.AddBuiltInRequests();
        Catalog = new Catalog(this);
        GrainFactory = new GrainFactory(this);
        _localSilo = new SiloAddress(Options.SiloName, 0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        _locator = new LocalGrainLocator(_localSilo);
        _remote = Options.SerializeLocalCalls ? new LoopbackSerializingTransport(this) : null;
        _responseTimeoutTicks = (long)(Options.ResponseTimeout.TotalSeconds * timeProvider.TimestampFrequency);
        Reminders = new ReminderService(this, services.GetRequiredService<IReminderTable>());
        foreach (var name in Options.StreamProviders)
        {
            var log = services.GetKeyedService<IStreamLog>(name)
                ?? throw new InvalidOperationException($"Stream provider '{name}' has no IStreamLog registered under that name.");
            _streamProviders.Add(name, new LogStreamProvider(name, log, this));
        }
    }

    public IServiceProvider Services { get; }

    public SiloOptions Options { get; }

    public TimeProvider TimeProvider { get; }

    public GrainStateSerializer Serializer { get; }

    public ILogger Logger { get; }

    public GrainTypeRegistry Registry { get; }

    public Catalog Catalog { get; }

    public GrainFactory GrainFactory { get; }

    public ReminderService Reminders { get; }

    public IEnumerable<LogStreamProvider> StreamProviders => _streamProviders.Values;

    /// <summary>Cancelled when the silo starts stopping; passed to activation and deactivation code.</summary>
    public CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Sends a call made through a grain reference: stamps the call chain and the caller's deadline.</summary>
    public void Send(GrainId target, GrainRequest request)
    {
        request.Target = target;

        // The current turn, if any, is the caller: the chain of callers is what deadlock detection walks.
        request.Caller = SynchronizationContext.Current as TurnContext;
        request.DeadlineTimestamp = TimeProvider.GetTimestamp() + _responseTimeoutTicks;
        Deliver(request);
    }

    /// <summary>Routes a request to wherever its grain's activation lives.</summary>
    public void Deliver(GrainRequest request)
    {
        if (_locator.TryLocate(request.Target, out var silo) && silo == _localSilo)
        {
            if (_remote is not null)
            {
                _remote.Send(silo, request);
                return;
            }

            Catalog.Deliver(request);
            return;
        }

        _ = DeliverSlowAsync(request);
    }

    public IStreamProvider GetStreamProvider(string name) =>
        _streamProviders.TryGetValue(name, out var provider)
            ? provider
            : throw new KeyNotFoundException($"No stream provider named '{name}' is configured; configured: {string.Join(", ", _streamProviders.Keys)}.");

    public void BeginStopping() => _stopping.Cancel();

    public void Dispose()
    {
        // After a graceful stop nothing is left; after a kill this stops what would otherwise keep running.
        _stopping.Cancel();
        Catalog.Kill();
        Reminders.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stopping.Dispose();
    }

    private async Task DeliverSlowAsync(GrainRequest request)
    {
        try
        {
            var silo = await _locator.LocateAsync(request.Target, StoppingToken);
            if (silo == _localSilo)
            {
                Catalog.Deliver(request);
            }
            else if (_remote is not null)
            {
                _remote.Send(silo, request);
            }
            else
            {
                request.Reject(new SiloUnavailableException($"Grain {request.Target} lives on {silo}, and this silo has no transport to reach it."));
            }
        }
        catch (Exception exception)
        {
            request.Reject(exception);
        }
    }
}
