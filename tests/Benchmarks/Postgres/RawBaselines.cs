using Npgsql;
using NpgsqlTypes;

namespace OrleansDelivery.Benchmarks.Postgres;

/// <summary>
/// What a hand-written application would send to PostgreSQL for the same work, with the same parameter types as
/// the providers: the baselines every runtime figure is printed beside.
/// </summary>
internal static class RawBaselines
{
    public const string ServiceId = "raw-baseline";
    public const string NotifyChannel = "bench_raw_events";

    /// <summary>A copy of the provider's event table (same columns, key and index) that only the baselines write.</summary>
    public static async Task CreateTablesAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            CREATE TABLE IF NOT EXISTS bench_raw_stream_events (LIKE orleans_stream_events INCLUDING ALL)
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The provider's first write of a record: version 1.</summary>
    public static async Task InsertStateAsync(NpgsqlDataSource dataSource, string grainKey, byte[] payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO orleans_grain_state (service_id, grain_type, grain_key, state_name, version, payload, modified_at)
            VALUES ($1, $2, $3, $4, 1, $5, $6)
            ON CONFLICT ON CONSTRAINT orleans_grain_state_pk DO NOTHING
            """);
        AddStateKey(command, grainKey);
        command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The provider's later writes: the version read, bumped, or no row when another writer got there first.</summary>
    public static async Task<long> UpdateStateAsync(NpgsqlDataSource dataSource, string grainKey, long version, byte[] payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE orleans_grain_state
            SET version = version + 1, payload = $5, modified_at = $6
            WHERE service_id = $1 AND grain_type = $2 AND grain_key = $3 AND state_name = $4 AND version = $7
            RETURNING version
            """);
        AddStateKey(command, grainKey);
        command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version });
        return (long?)await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Raw baseline row {grainKey} was not at version {version}.");
    }

    /// <summary>One event row with a sequence the caller chose (no per-stream counter row, no notification).</summary>
    public static async Task InsertEventAsync(NpgsqlDataSource dataSource, string streamKey, long sequence, byte[] payload, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO bench_raw_stream_events (service_id, provider_name, stream_namespace, stream_key, sequence, created_at, payload)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """);
        AddEvent(command, streamKey, sequence, payload);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The event row and a notification in one statement, as the provider's append does.</summary>
    public static async Task InsertEventAndNotifyAsync(
        NpgsqlDataSource dataSource, string streamKey, long sequence, byte[] payload, string notification, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH appended AS (
                INSERT INTO bench_raw_stream_events (service_id, provider_name, stream_namespace, stream_key, sequence, created_at, payload)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                RETURNING sequence
            )
            SELECT pg_notify($8, $9) FROM appended
            """);
        AddEvent(command, streamKey, sequence, payload);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NotifyChannel });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = notification });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddStateKey(NpgsqlCommand command, string grainKey)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "rawstatewriter" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = grainKey });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "bench" });
    }

    private static void AddEvent(NpgsqlCommand command, string streamKey, long sequence, byte[] payload)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "Default" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "bench" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamKey });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = DateTimeOffset.UtcNow });
        command.Parameters.Add(new NpgsqlParameter { Value = payload, NpgsqlDbType = NpgsqlDbType.Jsonb });
    }
}
