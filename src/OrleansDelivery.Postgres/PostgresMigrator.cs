using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansDelivery.Postgres;

/// <summary>One script of <c>sql/</c>: <c>NNN_name.sql</c>, applied in version order.</summary>
public sealed record PostgresMigration(int Version, string Name, string Sql);

/// <summary>
/// Applies the pending <c>sql/</c> scripts (embedded in this assembly). All of it runs in one transaction holding a
/// transaction-scoped advisory lock, so nodes starting together apply each script once, the others wait and then
/// find nothing left to do, and a failed script leaves the schema as it was.
/// </summary>
public sealed partial class PostgresMigrator(NpgsqlDataSource dataSource, ILogger<PostgresMigrator> logger)
{
    // Any constant shared by every node; advisory locks are per database, so services in other databases never wait.
    private const long MigrationLockKey = 0x6F64_6D69_6772_6174; // "odmigrat"

    private static readonly Lazy<IReadOnlyList<PostgresMigration>> EmbeddedMigrations = new(LoadEmbeddedMigrations);

    /// <summary>The scripts of <c>sql/</c>, in the order they are applied.</summary>
    public static IReadOnlyList<PostgresMigration> Migrations => EmbeddedMigrations.Value;

    /// <summary>Applies every migration the database lacks; returns the versions applied now.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await MigrateCoreAsync(cancellationToken);
        }
        catch (NpgsqlException exception) when (IsUnreachable(exception))
        {
            // Idle pooled connections to a server that went away are dead too; do not hand them to the next caller.
            dataSource.Clear();
            var target = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            throw new PostgresUnavailableException(
                $"PostgreSQL at {target.Host}:{target.Port} (database '{target.Database}') is unreachable, so the schema could not be migrated: {exception.Message}",
                exception);
        }
    }

    private async Task<IReadOnlyList<int>> MigrateCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = MigrationLockKey });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = await ReadAppliedVersionsAsync(connection, transaction, cancellationToken);
        var newlyApplied = new List<int>();
        foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version)))
        {
            LogApplying(logger, migration.Version, migration.Name);
            await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                // Schema changes may wait on locks held by running nodes; do not cut them off at the usual limit.
                script.CommandTimeout = 0;
                await script.ExecuteNonQueryAsync(cancellationToken);
            }

            // The scripts record themselves (so psql runs do too); this makes sure a script that forgets still counts.
            await using (var record = new NpgsqlCommand("""
                INSERT INTO orleans_schema_version (version, description) VALUES ($1, $2)
                ON CONFLICT (version) DO NOTHING
                """, connection, transaction))
            {
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = migration.Version });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = migration.Name });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            newlyApplied.Add(migration.Version);
        }

        await transaction.CommitAsync(cancellationToken);
        var newest = applied.Count == 0 ? 0 : applied.Max();
        if (newest > Migrations[^1].Version)
        {
            LogNewerSchema(logger, newest, Migrations[^1].Version);
        }

        LogSchemaReady(logger, Migrations[^1].Version, newlyApplied.Count);
        return newlyApplied;
    }

    private static async Task<HashSet<int>> ReadAppliedVersionsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('orleans_schema_version') IS NOT NULL", connection, transaction))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return [];
            }
        }

        var versions = new HashSet<int>();
        await using var command = new NpgsqlCommand("SELECT version FROM orleans_schema_version", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private static bool IsUnreachable(NpgsqlException exception) =>
        exception.IsTransient
        || exception is PostgresException { SqlState: "57P01" or "57P02" or "57P03" } // shutting down or starting up
        || exception is PostgresException { SqlState: var state } && state.StartsWith("08", StringComparison.Ordinal);

    private static IReadOnlyList<PostgresMigration> LoadEmbeddedMigrations()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        var migrations = new List<PostgresMigration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ScriptName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded migration {resource} could not be opened.");
            using var reader = new StreamReader(stream);
            migrations.Add(new PostgresMigration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                reader.ReadToEnd()));
        }

        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (migrations.Count == 0 || duplicate is not null)
        {
            throw new InvalidOperationException(duplicate is null
                ? $"No sql/NNN_name.sql migrations are embedded in {assembly.GetName().Name}."
                : $"Migration version {duplicate.Key} is used by more than one script: {string.Join(", ", duplicate.Select(m => m.Name))}.");
        }

        return migrations;
    }

    [GeneratedRegex(@"^sql/(?<version>\d+)_(?<name>[^/]+)\.sql$")]
    private static partial Regex ScriptName();

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying PostgreSQL migration {Version} ({Name})")]
    private static partial void LogApplying(ILogger logger, int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema is at version {Version} ({Applied} migrations applied now)")]
    private static partial void LogSchemaReady(ILogger logger, int version, int applied);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL schema is at version {DatabaseVersion}, newer than this node's {KnownVersion}; running anyway")]
    private static partial void LogNewerSchema(ILogger logger, int databaseVersion, int knownVersion);
}
