namespace OrleansDelivery.Host.Health;

/// <summary>What <c>GET /health</c> reports about this node and its silo.</summary>
public sealed record HealthResponse(
    string Status,
    string SiloName,
    string SiloAddress,
    string SiloStatus,
    string ClusterMode,
    string ClusterId,
    int ActiveSilos,
    DateTimeOffset StartedAt,
    TimeSpan Uptime)
{
    /// <summary>Silo (grains and web tier) or Frontend (web tier only, as a client of the silos).</summary>
    public string Role { get; init; } = "Silo";
}
