namespace OrleansDelivery.Host.Health;

/// <summary>What <c>GET /health</c> reports about this silo.</summary>
public sealed record HealthResponse(
    string Status,
    string SiloName,
    int ActivationCount,
    string StorageProvider,
    DateTimeOffset StartedAt,
    TimeSpan Uptime);
