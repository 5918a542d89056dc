using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>A message about to be appended: a batch of events of one stream, serialized.</summary>
public sealed record PendingMessage(StreamId StreamId, int EventCount, byte[] Payload);

/// <summary>One message of a queue's log as stored: a batch of events of one stream, numbered within its queue.</summary>
public sealed record StoredStreamMessage(int QueueId, long Sequence, StreamId StreamId, DateTimeOffset AppendedAt, byte[] Payload);

/// <summary>
/// The SQL of one stream provider's queues (<c>sql/006_streams.sql</c>): append, read on from a sequence, read one
/// stream for a rewind, checkpoints, and retention. Every statement is scoped to this service and provider, so
/// services and providers may share a database.
/// </summary>
public sealed class PostgresStreamLog(NpgsqlDataSource dataSource, string serviceId, string providerName, TimeProvider time)
{
    // Any constant mixed with the service and provider: one silo of a service trims a provider's log at a time.
    private const long RetentionLockSalt = 0x6F64_7374_7265_616D; // "odstream"

    public NpgsqlDataSource DataSource => dataSource;

    public string ServiceId => serviceId;

    public string ProviderName => providerName;

    /// <summary>
    /// The <c>LISTEN</c> channel of this service and provider; a notification's payload is the queue number. Channel
    /// names are identifiers of at most 63 bytes, so the service and provider go in as a hash.
    /// </summary>
    public string NotificationChannel { get; } = "od_streams_" + Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes($"{serviceId}\n{providerName}")))[..16];

    /// <summary>
    /// Appends one batch to a queue and notifies the queue's reader; returns the batch's sequence once committed.
    /// </summary>
    public async Task<long> AppendAsync(int queueId, StreamId streamId, int eventCount, byte[] payload, CancellationToken cancellationToken) =>
        await AppendAsync(queueId, [new PendingMessage(streamId, eventCount, payload)], cancellationToken);

    /// <summary>
    /// Appends several batches to one queue in one statement, numbered in the order given, with one notification;
    /// returns the sequence of the last once committed.
    /// </summary>
    public async Task<long> AppendAsync(int queueId, IReadOnlyList<PendingMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(messages.Count);

        // The counter upsert locks the queue's row until the statement's transaction commits, so appenders of one
        // queue take turns there: each takes the next numbers, a failed append rolls its numbers back, and a reader
        // that has seen n has seen everything before n. The notification is sent on commit, with the rows.
        await using var command = dataSource.CreateCommand("""
            WITH counter AS (
                INSERT INTO orleans_stream_queues AS q (service_id, provider_name, queue_id, last_sequence)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT ON CONSTRAINT orleans_stream_queues_pk DO UPDATE SET last_sequence = q.last_sequence + $4
                RETURNING last_sequence
            ), appended AS (
                INSERT INTO orleans_stream_messages
                    (service_id, provider_name, queue_id, sequence, stream_namespace, stream_key, event_count, appended_at, payload)
                SELECT $1, $2, $3, counter.last_sequence - $4 + m.position, m.stream_namespace, m.stream_key, m.event_count, $5, m.payload
                FROM counter, unnest($6::text[], $7::text[], $8::integer[], $9::bytea[])
                    WITH ORDINALITY AS m(stream_namespace, stream_key, event_count, payload, position)
                RETURNING sequence
            )
            SELECT max(appended.sequence), pg_notify($10, $3::text) FROM appended
            """);
        AddQueue(command, queueId);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = messages.Count });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. messages.Select(m => m.StreamId.GetNamespace() ?? "")] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. messages.Select(m => m.StreamId.GetKeyAsString())] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. messages.Select(m => m.EventCount)] });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. messages.Select(m => m.Payload)] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = NotificationChannel });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The messages of a queue after <paramref name="afterSequence"/>, oldest first, at most <paramref name="maxCount"/>.</summary>
    public async Task<IReadOnlyList<StoredStreamMessage>> ReadAsync(int queueId, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sequence, stream_namespace, stream_key, appended_at, payload
            FROM orleans_stream_messages
            WHERE service_id = $1 AND provider_name = $2 AND queue_id = $3 AND sequence > $4
            ORDER BY sequence
            LIMIT $5
            """);
        AddQueue(command, queueId);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var messages = new List<StoredStreamMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(ReadMessage(reader, queueId));
        }

        return messages;
    }

    /// <summary>
    /// One stream's messages of a queue from <paramref name="fromSequence"/> (inclusive) up to
    /// <paramref name="beforeSequence"/> (exclusive), oldest first: what a rewind needs from the table. Synchronous,
    /// because Orleans asks a queue cache for a cursor synchronously; rewinds past the cache are rare.
    /// </summary>
    public IReadOnlyList<StoredStreamMessage> ReadStream(int queueId, StreamId streamId, long fromSequence, long beforeSequence, int maxCount)
    {
        using var command = dataSource.CreateCommand("""
            SELECT sequence, stream_namespace, stream_key, appended_at, payload
            FROM orleans_stream_messages
            WHERE service_id = $1 AND provider_name = $2 AND queue_id = $3
              AND stream_namespace = $4 AND stream_key = $5 AND sequence >= $6 AND sequence < $7
            ORDER BY sequence
            LIMIT $8
            """);
        AddQueue(command, queueId);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.GetNamespace() ?? "" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId.GetKeyAsString() });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromSequence });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = beforeSequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        using var reader = command.ExecuteReader();
        var messages = new List<StoredStreamMessage>();
        while (reader.Read())
        {
            messages.Add(ReadMessage(reader, queueId));
        }

        return messages;
    }

    /// <summary>The newest sequence of a queue every subscriber has been given (0 when none was recorded).</summary>
    public async Task<long> ReadCheckpointAsync(int queueId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT sequence FROM orleans_stream_checkpoints
            WHERE service_id = $1 AND provider_name = $2 AND queue_id = $3
            """);
        AddQueue(command, queueId);
        return (long?)await command.ExecuteScalarAsync(cancellationToken) ?? 0;
    }

    /// <summary>Moves a queue's checkpoint forward to <paramref name="sequence"/>; never back (a late writer changes nothing).</summary>
    public async Task WriteCheckpointAsync(int queueId, long sequence, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO orleans_stream_checkpoints AS c (service_id, provider_name, queue_id, sequence, checkpointed_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT ON CONSTRAINT orleans_stream_checkpoints_pk DO UPDATE
                SET sequence = EXCLUDED.sequence, checkpointed_at = EXCLUDED.checkpointed_at
                WHERE c.sequence < EXCLUDED.sequence
            """);
        AddQueue(command, queueId);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = sequence });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the messages older than <paramref name="retention"/> that their queue's checkpoint has passed, unless
    /// another silo is doing it right now; returns how many were deleted, or null when another silo held the turn.
    /// </summary>
    public async Task<int?> TrimAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var turn = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock($1, hashtext($2 || E'\\n' || $3))", connection, transaction))
        {
            turn.Parameters.Add(new NpgsqlParameter<int> { TypedValue = (int)(RetentionLockSalt & int.MaxValue) });
            turn.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
            turn.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerName });
            if (!(bool)(await turn.ExecuteScalarAsync(cancellationToken))!)
            {
                return null;
            }
        }

        // A queue without a checkpoint has delivered nothing yet: its messages stay however old they are.
        await using var delete = new NpgsqlCommand("""
            DELETE FROM orleans_stream_messages AS m
            USING orleans_stream_checkpoints AS c
            WHERE m.service_id = $1 AND m.provider_name = $2 AND m.appended_at < $3
              AND c.service_id = m.service_id AND c.provider_name = m.provider_name AND c.queue_id = m.queue_id
              AND m.sequence <= c.sequence
            """, connection, transaction);
        delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        delete.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerName });
        delete.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = time.GetUtcNow() - retention });
        delete.CommandTimeout = 0;
        var removed = await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }

    private void AddQueue(NpgsqlCommand command, int queueId)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = providerName });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = queueId });
    }

    private static StoredStreamMessage ReadMessage(NpgsqlDataReader reader, int queueId) => new(
        queueId,
        reader.GetInt64(0),
        StreamId.Create(reader.GetString(1), reader.GetString(2)),
        reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetFieldValue<byte[]>(4));
}
