using Microsoft.Extensions.Options;

namespace OrleansDelivery.Postgres;

/// <summary>
/// Runs the migrator as the silo starts, before membership, storage or reminders read their queries from the
/// database: they find the schema complete or the silo does not start.
/// </summary>
internal sealed class SchemaMigrationOnStartup(PostgresMigrator migrator, IOptions<PostgresOptions> options)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        if (options.Value.ApplyMigrationsOnStartup)
        {
            lifecycle.Subscribe(
                nameof(SchemaMigrationOnStartup),
                ServiceLifecycleStage.RuntimeInitialize - 1,
                async cancellationToken => await migrator.MigrateAsync(cancellationToken));
        }
    }
}
