using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansDelivery.Runtime.Postgres;

/// <summary>
/// Durable reminders in <c>orleans_reminders</c>, one set per service id. The ETag is the row's version,
/// bumped by every upsert, so a remove made with an old handle does not delete a newer registration.
/// </summary>
public sealed partial class PostgresReminderTable(
    NpgsqlDataSource dataSource,
    PostgresStorageOptions options,
    ILogger<PostgresReminderTable> logger) : IReminderTable
{
    private const string Store = "reminder table";

    public async Task<ReminderEntry?> ReadAsync(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT grain_type, grain_key, reminder_name, start_at, period, version
            FROM orleans_reminders
            WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND reminder_name = $4
            """);
        AddParameters(command, options.ServiceId, grainId.Type, grainId.Key, reminderName);
        var entries = await ReadEntriesAsync(command, cancellationToken);
        return entries.Count == 0 ? null : entries[0];
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadAsync(GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT grain_type, grain_key, reminder_name, start_at, period, version
            FROM orleans_reminders
            WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3
            ORDER BY reminder_name
            """);
        AddParameters(command, options.ServiceId, grainId.Type, grainId.Key);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<ReminderEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT grain_type, grain_key, reminder_name, start_at, period, version
            FROM orleans_reminders
            WHERE service_id = $1
            ORDER BY grain_type, grain_key, reminder_name
            """);
        AddParameters(command, options.ServiceId);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<string> UpsertAsync(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.ReminderName);
        try
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO orleans_reminders (service_id, grain_type, grain_key, reminder_name, start_at, period, version)
                VALUES ($1, $2, $3, $4, $5, $6, 1)
                ON CONFLICT ON CONSTRAINT orleans_reminders_pk DO UPDATE
                SET start_at = EXCLUDED.start_at, period = EXCLUDED.period, version = orleans_reminders.version + 1
                RETURNING version
                """);
            AddParameters(command, options.ServiceId, entry.GrainId.Type, entry.GrainId.Key, entry.ReminderName);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = entry.StartAt.ToUniversalTime() });
            command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = entry.Period });
            var version = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return Format(version);
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    public async Task<bool> RemoveAsync(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        if (!long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        try
        {
            await using var command = dataSource.CreateCommand("""
                DELETE FROM orleans_reminders
                WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND reminder_name = $4 AND version = $5
                """);
            AddParameters(command, options.ServiceId, grainId.Type, grainId.Key, reminderName);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
            return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    private async Task<IReadOnlyList<ReminderEntry>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        try
        {
            var entries = new List<ReminderEntry>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                entries.Add(new ReminderEntry(
                    new GrainId(reader.GetString(0), reader.GetString(1)),
                    reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetFieldValue<TimeSpan>(4),
                    Format(reader.GetInt64(5))));
            }

            return entries;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception);
        }
    }

    private StorageUnavailableException Unreachable(NpgsqlException exception)
    {
        LogUnreachable(logger, exception, options.ServiceId);
        return PostgresFailures.Unreachable(dataSource, Store, exception);
    }

    private static void AddParameters(NpgsqlCommand command, params ReadOnlySpan<string> values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
        }
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL reminder table of service {ServiceId} is unreachable")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string serviceId);
}
