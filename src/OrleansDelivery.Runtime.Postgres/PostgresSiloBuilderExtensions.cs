using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using OrleansDelivery.Runtime.Hosting;

namespace OrleansDelivery.Runtime.Postgres;

/// <summary>Puts a silo's grain state, reminders and streams on PostgreSQL.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>
    /// Registers one <see cref="NpgsqlDataSource"/>, the schema migrator (run before the silo takes calls), the
    /// grain storage "Default", the reminder table and the stream log "Default".
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder silo, string connectionString, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        var services = silo.Services;
        services.AddOptions<PostgresStorageOptions>().Configure(options => configure?.Invoke(options));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new GrainStateSerializer());
        services.AddSingleton(provider => PostgresDataSource.Create(
            connectionString,
            Options(provider),
            provider.GetService<ILoggerFactory>()));

        services.AddSingleton(provider => new PostgresMigrator(
            provider.GetRequiredService<NpgsqlDataSource>(),
            Options(provider),
            provider.GetRequiredService<ILogger<PostgresMigrator>>()));
        services.AddSingleton<ISiloStartupTask>(provider => provider.GetRequiredService<PostgresMigrator>());

        services.AddSingleton<IReminderTable>(provider => new PostgresReminderTable(
            provider.GetRequiredService<NpgsqlDataSource>(),
            Options(provider),
            provider.GetRequiredService<ILogger<PostgresReminderTable>>()));

        return silo
            .AddPostgresGrainStorage(GrainStorageNames.Default)
            .AddPostgresStreams(StreamProviderNames.Default);
    }

    /// <summary>Adds a named grain storage on the database of <see cref="UsePostgres"/> (call that first).</summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder silo, string name)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(name);
        silo.Services.AddKeyedSingleton<IGrainStorage>(name, (provider, _) => new PostgresGrainStorage(
            provider.GetRequiredService<NpgsqlDataSource>(),
            Options(provider),
            provider.GetRequiredService<GrainStateSerializer>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PostgresGrainStorage>>()));
        return silo;
    }

    /// <summary>Adds the stream log of a named stream provider on the database of <see cref="UsePostgres"/> (call that first).</summary>
    public static ISiloBuilder AddPostgresStreams(this ISiloBuilder silo, string providerName)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        silo.Services.AddKeyedSingleton<IStreamLog>(providerName, (provider, _) => new PostgresStreamLog(
            providerName,
            provider.GetRequiredService<NpgsqlDataSource>(),
            Options(provider),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<PostgresStreamLog>>()));
        return silo;
    }

    private static PostgresStorageOptions Options(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<PostgresStorageOptions>>().Value;
        options.Validate();
        return options;
    }
}
