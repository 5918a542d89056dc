using System.Globalization;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace OrleansDelivery.Runtime.Postgres;

/// <summary>
/// Grain state in <c>orleans_grain_state</c>. The ETag is the row's version: the first write inserts version 1
/// (and loses to any row already there), later writes and clears update only the version they read, so a
/// stale writer always finds zero rows and gets <see cref="InconsistentStateException"/>. A clear keeps the
/// row as a tombstone (payload NULL) so the version keeps moving.
/// </summary>
public sealed partial class PostgresGrainStorage(
    NpgsqlDataSource dataSource,
    PostgresStorageOptions options,
    GrainStateSerializer serializer,
    TimeProvider timeProvider,
    ILogger<PostgresGrainStorage> logger) : IGrainStorage
{
    private const string Store = "grain storage";

    public async Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("""
                SELECT version, payload
                FROM orleans_grain_state
                WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4
                """);
            AddKey(command, stateName, grainId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                grainState.State = NewState<TState>();
                grainState.ETag = null;
                grainState.RecordExists = false;
                return;
            }

            var version = reader.GetInt64(0);
            var cleared = await reader.IsDBNullAsync(1, cancellationToken);
            grainState.State = cleared ? NewState<TState>() : serializer.Deserialize<TState>(reader.GetFieldValue<byte[]>(1));
            grainState.ETag = Format(version);
            grainState.RecordExists = !cleared;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception, stateName, grainId);
        }
    }

    public async Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        var payload = serializer.Serialize(grainState.State);
        var expected = ParseETag(stateName, grainId, grainState.ETag);
        try
        {
            long? written;
            if (expected is null)
            {
                await using var command = dataSource.CreateCommand("""
                    INSERT INTO orleans_grain_state (service_id, grain_type, grain_key, state_name, version, payload, modified_at)
                    VALUES ($1, $2, $3, $4, 1, $5, $6)
                    ON CONFLICT ON CONSTRAINT orleans_grain_state_pk DO NOTHING
                    RETURNING version
                    """);
                AddKey(command, stateName, grainId);
                command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timeProvider.GetUtcNow() });
                written = (long?)await command.ExecuteScalarAsync(cancellationToken);
            }
            else
            {
                await using var command = dataSource.CreateCommand("""
                    UPDATE orleans_grain_state
                    SET version = version + 1, payload = $5, modified_at = $6
                    WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $7
                    RETURNING version
                    """);
                AddKey(command, stateName, grainId);
                command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timeProvider.GetUtcNow() });
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected.Value });
                written = (long?)await command.ExecuteScalarAsync(cancellationToken);
            }

            if (written is null)
            {
                throw await ConflictAsync(stateName, grainId, grainState.ETag, cancellationToken);
            }

            grainState.ETag = Format(written.Value);
            grainState.RecordExists = true;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception, stateName, grainId);
        }
    }

    public async Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        var expected = ParseETag(stateName, grainId, grainState.ETag);
        try
        {
            if (expected is null)
            {
                // Nothing was read, so there must be nothing stored (not even a tombstone): then clearing is a no-op.
                if (await ReadVersionAsync(stateName, grainId, cancellationToken) is not null)
                {
                    throw await ConflictAsync(stateName, grainId, grainState.ETag, cancellationToken);
                }

                grainState.RecordExists = false;
                return;
            }

            await using var command = dataSource.CreateCommand("""
                UPDATE orleans_grain_state
                SET version = version + 1, payload = NULL, modified_at = $5
                WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $6
                RETURNING version
                """);
            AddKey(command, stateName, grainId);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = timeProvider.GetUtcNow() });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = expected.Value });
            var cleared = (long?)await command.ExecuteScalarAsync(cancellationToken)
                ?? throw await ConflictAsync(stateName, grainId, grainState.ETag, cancellationToken);

            grainState.ETag = Format(cleared);
            grainState.RecordExists = false;
        }
        catch (NpgsqlException exception) when (PostgresFailures.IsUnreachable(exception))
        {
            throw Unreachable(exception, stateName, grainId);
        }
    }

    private async Task<long?> ReadVersionAsync(string stateName, GrainId grainId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT version
            FROM orleans_grain_state
            WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4
            """);
        AddKey(command, stateName, grainId);
        return (long?)await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<InconsistentStateException> ConflictAsync(string stateName, GrainId grainId, string? eTag, CancellationToken cancellationToken)
    {
        // Only for the message: the decision was already made atomically by the INSERT or UPDATE.
        var stored = await ReadVersionAsync(stateName, grainId, cancellationToken) is { } version ? Format(version) : null;
        LogConflict(logger, stateName, grainId, stored ?? "none", eTag ?? "none");
        return new InconsistentStateException(
            $"State '{stateName}' of grain {grainId} was changed by another writer (stored version {stored ?? "none"}, this writer had {eTag ?? "none"}).",
            stored,
            eTag);
    }

    private StorageUnavailableException Unreachable(NpgsqlException exception, string stateName, GrainId grainId)
    {
        LogUnreachable(logger, exception, stateName, grainId);
        return PostgresFailures.Unreachable(dataSource, Store, exception);
    }

    private void AddKey(NpgsqlCommand command, string stateName, GrainId grainId)
    {
        GrainStorageKeys.Validate(stateName, grainId);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Type });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainId.Key });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = stateName });
    }

    private static long? ParseETag(string stateName, GrainId grainId, string? eTag)
    {
        if (eTag is null)
        {
            return null;
        }

        return long.TryParse(eTag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new InconsistentStateException(
                $"State '{stateName}' of grain {grainId} carries ETag '{eTag}', which this store never issued.",
                null,
                eTag);
    }

    /// <summary>What a grain sees when nothing is stored: a fresh state, as the in-memory provider gives.</summary>
    private static TState NewState<TState>()
    {
        try
        {
            return Activator.CreateInstance<TState>();
        }
        catch (MissingMethodException)
        {
            return default!;
        }
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Write of state {StateName} of grain {GrainId} refused: stored version {StoredVersion}, writer had {WriterVersion}")]
    private static partial void LogConflict(ILogger logger, string stateName, GrainId grainId, string storedVersion, string writerVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "PostgreSQL grain storage is unreachable for state {StateName} of grain {GrainId}")]
    private static partial void LogUnreachable(ILogger logger, Exception exception, string stateName, GrainId grainId);
}
