namespace OrleansDelivery.Runtime.Directory;

/// <summary>A silo's address; the generation tells a restarted silo on the same endpoint from its former self.</summary>
public sealed record SiloAddress(string Host, int Port, long Generation)
{
    public override string ToString() => $"{Host}:{Port}@{Generation}";
}

/// <summary>
/// Where a grain's activation lives. The single-silo locator answers "here" for every grain; the cluster's
/// locator consults placement and the PostgreSQL directory. Kept behind this seam so remote silos are a second
/// implementation, not a rewrite.
/// </summary>
internal interface IGrainLocator
{
    /// <summary>The silo of the grain's activation when known without waiting (cached or local).</summary>
    bool TryLocate(GrainId grainId, out SiloAddress silo);

    /// <summary>The silo of the grain's activation, choosing one by placement if it has none.</summary>
    ValueTask<SiloAddress> LocateAsync(GrainId grainId, CancellationToken cancellationToken);
}

/// <summary>One silo: every activation is here.</summary>
internal sealed class LocalGrainLocator(SiloAddress localSilo) : IGrainLocator
{
    public bool TryLocate(GrainId grainId, out SiloAddress silo)
    {
        silo = localSilo;
        return true;
    }

    public ValueTask<SiloAddress> LocateAsync(GrainId grainId, CancellationToken cancellationToken) => new(localSilo);
}
