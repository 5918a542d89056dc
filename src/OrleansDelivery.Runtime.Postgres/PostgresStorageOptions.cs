namespace OrleansDelivery.Runtime.Postgres;

/// <summary>Settings of the PostgreSQL providers registered by <see cref="PostgresSiloBuilderExtensions.UsePostgres"/>.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>Separates the rows of services that share one database; every provider filters on it.</summary>
    public string ServiceId { get; set; } = "orleans-delivery";

    /// <summary>How long one statement may run before it fails (as <see cref="StorageUnavailableException"/>).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long opening a connection may take, so a dead server fails a call in seconds rather than minutes.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the silo applies pending sql/ migrations as it starts (otherwise an operator runs them with psql).</summary>
    public bool ApplyMigrationsOnStartup { get; set; } = true;

    /// <summary>Stream events older than this are removed by the background trim; null keeps them regardless of age.</summary>
    public TimeSpan? StreamMaxAge { get; set; }

    /// <summary>Newest events kept per stream by the background trim; null keeps any number.</summary>
    public int? StreamMaxEventsPerStream { get; set; }

    /// <summary>How often the background trim applies the stream retention.</summary>
    public TimeSpan StreamTrimInterval { get; set; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ServiceId, nameof(ServiceId));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CommandTimeout, TimeSpan.Zero, nameof(CommandTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StreamTrimInterval, TimeSpan.Zero, nameof(StreamTrimInterval));
        if (StreamMaxAge is { } maxAge)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero, nameof(StreamMaxAge));
        }

        if (StreamMaxEventsPerStream is { } maxEvents)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1, nameof(StreamMaxEventsPerStream));
        }
    }
}
