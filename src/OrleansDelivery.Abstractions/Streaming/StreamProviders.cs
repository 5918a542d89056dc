namespace OrleansDelivery.Streaming;

/// <summary>The names grains and the host use to reach Orleans stream providers.</summary>
public static class StreamProviders
{
    /// <summary>
    /// Order, customer and catalogue events: memory streams in <c>Localhost</c> mode, durable PostgreSQL queues in
    /// <c>Postgres</c> mode (OrleansDelivery.Postgres/Streaming).
    /// </summary>
    public const string Events = "events";
}
