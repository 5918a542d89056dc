namespace OrleansDelivery.Streaming;

/// <summary>The names grains and the host use to reach Orleans stream providers.</summary>
public static class StreamProviders
{
    /// <summary>
    /// Order and customer events. Memory streams in every mode for now; the cluster issue puts them on PostgreSQL.
    /// </summary>
    public const string Events = "events";
}
