namespace OrleansDelivery.Host.Cluster;

/// <summary>Where the silo finds its cluster and keeps grain state, reminders and stream subscriptions.</summary>
public enum ClusterMode
{
    /// <summary>One silo on this machine with everything in memory: nothing to install, nothing survives a restart.</summary>
    Localhost,

    /// <summary>Membership, grain state, reminders and stream pub-sub state in PostgreSQL; silos on many machines.</summary>
    Postgres,
}
