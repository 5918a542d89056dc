using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;

namespace OrleansDelivery.Postgres;

/// <summary>
/// Puts a silo's cluster membership, grain state and reminders on PostgreSQL, through Orleans' ADO.NET providers
/// and the <c>sql/</c> scripts, all sharing one <see cref="NpgsqlDataSource"/>.
/// </summary>
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
        silo.Services.Configure(configure);
        silo.AddPostgresDataSource(options.ConnectionString);
        silo.Services.AddSingleton<PostgresMigrator>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigrationOnStartup>();

        silo.UseAdoNetClustering(clustering => clustering.Invariant = NpgsqlInvariant);
        silo.Services.AddOptions<AdoNetClusteringSiloOptions>().Configure<NpgsqlDataSource>((clustering, dataSource) => clustering.DataSource = dataSource);
        silo.UsePostgresReminders();
        silo.AddPostgresGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        silo.AddPostgresGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
        return silo;
    }

    /// <summary>The one data source the PostgreSQL providers of this silo share (the first registration wins).</summary>
    public static ISiloBuilder AddPostgresDataSource(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(TuneConnectionString(connectionString)));
        return silo;
    }

    /// <summary>The connection string as every node's data source uses it: named, auto-preparing, not reset on close.</summary>
    internal static string TuneConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            // Shows in pg_stat_activity, so an operator can tell the silos' connections from others.
            builder.ApplicationName = "OrleansDelivery";
        }

        if (builder.MaxAutoPrepare == 0)
        {
            // The providers send a handful of statements over and over: prepared once per connection, the server
            // stops parsing and planning them on every call.
            builder.MaxAutoPrepare = 32;
        }

        // Orleans' providers open and close a pooled connection per operation. Resetting it on close costs seven
        // statements each time (prepared statements rule out a single DISCARD ALL), while nothing here leaves
        // session state behind: the migrator's lock is transaction-scoped and no statement changes settings.
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    /// <summary>Durable reminders in <c>orleans_reminders</c>; needs <see cref="AddPostgresDataSource"/>.</summary>
    public static ISiloBuilder UsePostgresReminders(this ISiloBuilder silo)
    {
        silo.UseAdoNetReminderService(reminders => reminders.Invariant = NpgsqlInvariant);
        silo.Services.AddOptions<AdoNetReminderTableOptions>().Configure<NpgsqlDataSource>((reminders, dataSource) => reminders.DataSource = dataSource);
        return silo;
    }

    /// <summary>
    /// A named grain storage on PostgreSQL: Orleans' ADO.NET provider with state kept as JSON, under keys that
    /// include the grain type (see <c>sql/004_grain_state.sql</c>); needs <see cref="AddPostgresDataSource"/>.
    /// </summary>
    public static ISiloBuilder AddPostgresGrainStorage(this ISiloBuilder silo, string name)
    {
        silo.Services.AddAdoNetGrainStorage(name, storage => storage.Configure<IServiceProvider>((options, services) =>
        {
            options.Invariant = NpgsqlInvariant;
            options.DataSource = services.GetRequiredService<NpgsqlDataSource>();
            // Orleans' own stream pub-sub state (producers, subscribers) has constructors System.Text.Json cannot bind,
            // so a rendezvous grain that moved to another silo could not read it back; Orleans' JSON serializer can.
            options.GrainStorageSerializer = name == ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME
                ? ActivatorUtilities.CreateInstance<JsonGrainStorageSerializer>(services)
                : ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(services);
        }));

        // Replaces the provider AddAdoNetGrainStorage registered under this name (the last keyed registration wins);
        // the lifecycle registration it made resolves this one, which passes the lifecycle on to the provider.
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            name,
            (services, _) => new GrainTypeScopedStorage(AdoNetGrainStorageFactory.Create(services, name)));
        return silo;
    }
}
