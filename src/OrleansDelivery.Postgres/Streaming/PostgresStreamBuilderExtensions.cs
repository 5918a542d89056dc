using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>Registers the PostgreSQL stream provider on silos (which read the queues) and clients (which only produce and subscribe).</summary>
public static class PostgresStreamBuilderExtensions
{
    /// <summary>
    /// A durable stream provider named <paramref name="name"/>: queues in <c>orleans_stream_*</c>, read by the silos
    /// Orleans' balancer assigns, with retention applied in the background. <paramref name="configureStreams"/> tunes
    /// Orleans' side (the pulling agent's period, say).
    /// </summary>
    public static ISiloBuilder AddPostgresStreams(
        this ISiloBuilder silo,
        string name,
        Action<PostgresStreamOptions> configure,
        Action<ISiloPersistentStreamConfigurator>? configureStreams = null)
    {
        AddStore(silo.Services, name, configure);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => new PostgresStreamRetention(
            name,
            services.GetRequiredKeyedService<PostgresStreamStore>(name),
            services.GetRequiredService<IOptionsMonitor<PostgresStreamOptions>>().Get(name),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILogger<PostgresStreamRetention>>()));
        silo.AddPersistentStreams(name, PostgresQueueAdapterFactory.Create, streams => configureStreams?.Invoke(streams));
        return silo;
    }

    /// <summary>The producer and subscriber side of the provider for an Orleans client (a front-end node); give it a connection string.</summary>
    public static IClientBuilder AddPostgresStreams(
        this IClientBuilder client,
        string name,
        Action<PostgresStreamOptions> configure,
        Action<IClusterClientPersistentStreamConfigurator>? configureStreams = null)
    {
        AddStore(client.Services, name, configure);
        client.AddPersistentStreams(name, PostgresQueueAdapterFactory.Create, streams => configureStreams?.Invoke(streams));
        return client;
    }

    private static void AddStore(IServiceCollection services, string name, Action<PostgresStreamOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresStreamOptions>(name).Configure(configure);
        services.AddSingleton<IConfigurationValidator>(services => new PostgresStreamOptionsValidator(name, services));
        services.AddKeyedSingleton(name, (services, _) => PostgresStreamStore.Create(services, name));
    }
}

/// <summary>Stops a node from starting with stream settings that cannot work, naming each bad setting.</summary>
internal sealed class PostgresStreamOptionsValidator(string name, IServiceProvider services) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        var options = services.GetRequiredService<IOptionsMonitor<PostgresStreamOptions>>().Get(name);
        var problems = options.Validate(hasSharedDataSource: services.GetService<NpgsqlDataSource>() is not null);
        if (problems.Count > 0)
        {
            throw new OrleansConfigurationException($"PostgreSQL stream provider '{name}': {string.Join(" ", problems)}");
        }
    }
}
