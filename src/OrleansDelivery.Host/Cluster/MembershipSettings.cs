namespace OrleansDelivery.Host.Cluster;

/// <summary>
/// How fast the cluster declares a silo dead (<c>Cluster:Membership</c>). The defaults were measured on a 2-core
/// machine: a crashed or frozen silo is declared dead in 3–5 s (probes every <see cref="ProbeTimeout"/>, dead after
/// <see cref="NumMissedProbesLimit"/> misses), while a silo that pauses for 2 s (a long GC, a slow disk) survives.
/// Orleans' own defaults take 7–12 s for a crash and over a minute for a freeze. Every silo also reads the whole
/// membership table each <see cref="TableRefreshTimeout"/> (Orleans: 60 s): that is how a silo that was frozen,
/// declared dead and then resumed learns it is dead and stops, instead of serving as a zombie for a minute.
/// A front-end node reads the live gateways from the table each <see cref="GatewayListRefreshPeriod"/>: a killed
/// silo's connections reset at once, but a frozen one's stay open, and only this refresh shows it dead, closing its
/// connection and failing the calls waiting on it (Orleans: 1 minute; one small query per period per front-end).
/// </summary>
public sealed record MembershipSettings(
    TimeSpan ProbeTimeout,
    int NumMissedProbesLimit,
    int NumVotesForDeathDeclaration,
    bool EnableConnectionLivenessCheck,
    TimeSpan TableRefreshTimeout,
    TimeSpan DefunctSiloExpiration,
    TimeSpan DefunctSiloCleanupPeriod,
    TimeSpan GatewayListRefreshPeriod)
{
    public static MembershipSettings FromConfiguration(IConfigurationSection section) => new(
        ClusterSettings.ReadDuration(section, nameof(ProbeTimeout), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
        ClusterSettings.ReadInt(section, nameof(NumMissedProbesLimit), 3, 1, 100),
        ClusterSettings.ReadInt(section, nameof(NumVotesForDeathDeclaration), 2, 1, 100),
        ClusterSettings.ReadBool(section, nameof(EnableConnectionLivenessCheck), defaultValue: false),
        ClusterSettings.ReadDuration(section, nameof(TableRefreshTimeout), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
        ClusterSettings.ReadDuration(section, nameof(DefunctSiloExpiration), TimeSpan.FromDays(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(365)),
        ClusterSettings.ReadDuration(section, nameof(DefunctSiloCleanupPeriod), TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)),
        ClusterSettings.ReadDuration(section, nameof(GatewayListRefreshPeriod), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)));
}
