namespace OrleansDelivery.Host.Cluster;

/// <summary>What a node runs: the web tier with a silo inside it, or the web tier alone as a client of the silos.</summary>
public enum ClusterRole
{
    /// <summary>API, hub and web client with a co-hosted silo: the node holds grains.</summary>
    Silo,

    /// <summary>
    /// API, hub and web client as an Orleans client of the silos (found through the membership table), so the web
    /// tier scales apart from the grains. Needs <see cref="ClusterMode.Postgres"/>.
    /// </summary>
    Frontend,
}
