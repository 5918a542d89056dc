using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Providers;
using Orleans.Storage;

namespace OrleansDelivery.Postgres;

/// <summary>Puts a silo's cluster membership, grain state and reminders on PostgreSQL, through Orleans' ADO.NET providers.</summary>
public static class PostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant under which Orleans finds Npgsql's <c>DbProviderFactory</c>.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Clustering, reminders, the default grain storage and the stream pub-sub store on PostgreSQL, with the
    /// <c>sql/</c> schema migrated as the silo starts (unless <see cref="PostgresOptions.ApplyMigrationsOnStartup"/> is off).
    /// </summary>
    public static ISiloBuilder UsePostgres(this ISiloBuilder silo, Action<PostgresOptions> configure)
    {
        var options = new PostgresOptions();
        configure(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(PostgresOptions.ConnectionString));
        var connectionString = options.ConnectionString;

        silo.Services.Configure(configure);
        silo.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        silo.Services.AddSingleton<PostgresMigrator>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigrationOnStartup>();

        silo.UseAdoNetClustering(clustering =>
        {
            clustering.Invariant = NpgsqlInvariant;
            clustering.ConnectionString = connectionString;
        });
        silo.UseAdoNetReminderService(reminders =>
        {
            reminders.Invariant = NpgsqlInvariant;
            reminders.ConnectionString = connectionString;
        });
        silo.AddPostgresGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, connectionString);
        silo.AddPostgresGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, connectionString);
        return silo;
    }

    /// <summary>
    /// A named grain storage on PostgreSQL: Orleans' ADO.NET provider with state kept as JSON, under keys that
    /// include the grain type (see <c>sql/004_grain_state.sql</c>).
    /// </summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder silo, string name, string connectionString)
    {
        silo.Services.AddAdoNetGrainStorage(name, storage => storage.Configure<IServiceProvider>((options, services) =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
            options.GrainStorageSerializer = ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(services);
        }));

        // Replaces the provider AddAdoNetGrainStorage registered under this name (the last keyed registration wins);
        // the lifecycle registration it made resolves this one, which passes the lifecycle on to the provider.
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            name,
            (services, _) => new GrainTypeScopedStorage(AdoNetGrainStorageFactory.Create(services, name)));
        return silo;
    }
}
