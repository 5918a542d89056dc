namespace OrleansDelivery.Postgres.Streaming;

/// <summary>
/// How one PostgreSQL stream provider stores and reads its queues. Bound from the <c>Streams</c> section by the host;
/// a bad value stops start-up with a message naming <c>Streams:&lt;property&gt;</c>.
/// </summary>
public sealed class PostgresStreamOptions
{
    /// <summary>The configuration section the host binds these options from, and the prefix of validation messages.</summary>
    public const string Section = "Streams";

    /// <summary>
    /// The Npgsql connection string. Empty on a silo means the <c>NpgsqlDataSource</c> that <c>UsePostgres</c>
    /// registered; an Orleans client (a front-end node) has none, so it must give one.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// How many queues the streams are spread over. Each is read by one silo at a time, so this bounds how many silos
    /// share the reading; all nodes of a service must agree on it, and changing it moves streams between queues.
    /// </summary>
    public int QueueCount { get; set; } = 8;

    /// <summary>How long appended events are kept (for rewinds and for a silo that takes a queue over).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often a silo tries to delete what is past <see cref="Retention"/> (one silo at a time does it).</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often a receiver reads its queue although no notification woke it: a notification sent while the listening
    /// connection was reconnecting is lost, and this bounds how late that costs.
    /// </summary>
    public TimeSpan FallbackReadPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// At most how often a queue's checkpoint is written as its messages are delivered (zero: on every delivery). A
    /// silo that takes the queue over after a crash delivers again what came after the last one written, which the
    /// subscribers ignore by sequence; a graceful stop writes the newest.
    /// </summary>
    public TimeSpan CheckpointPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many batches each queue keeps in memory for subscribers that lag or rewind a little.</summary>
    public int CacheSize { get; set; } = 4096;

    /// <summary>The problems with these settings, each naming its setting; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate(bool hasSharedDataSource)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString) && !hasSharedDataSource)
        {
            problems.Add($"{Section}:{nameof(ConnectionString)} is required where no PostgreSQL data source is registered (an Orleans client).");
        }

        if (QueueCount is < 1 or > 1024)
        {
            problems.Add($"{Section}:{nameof(QueueCount)} must be between 1 and 1024 (was {QueueCount}).");
        }

        if (Retention <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(Retention)} must be positive (was {Retention}).");
        }

        if (RetentionPeriod <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(RetentionPeriod)} must be positive (was {RetentionPeriod}).");
        }

        if (FallbackReadPeriod <= TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(FallbackReadPeriod)} must be positive (was {FallbackReadPeriod}).");
        }

        if (CheckpointPeriod < TimeSpan.Zero)
        {
            problems.Add($"{Section}:{nameof(CheckpointPeriod)} must be zero or positive (was {CheckpointPeriod}).");
        }

        if (CacheSize < 16)
        {
            problems.Add($"{Section}:{nameof(CacheSize)} must be at least 16 (was {CacheSize}).");
        }

        return problems;
    }
}
