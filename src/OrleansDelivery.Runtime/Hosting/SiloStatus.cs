using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Hosting;

/// <summary>What a silo can tell about itself: for health checks and the operations dashboard.</summary>
public interface ISiloStatus
{
    string SiloName { get; }

    int ActivationCount { get; }

    /// <summary>Live activations per grain type.</summary>
    IReadOnlyDictionary<string, int> ActivationsByType();
}

internal sealed class SiloStatus(GrainRuntime runtime) : ISiloStatus
{
    public string SiloName => runtime.Options.SiloName;

    public int ActivationCount => runtime.Catalog.Count;

    public IReadOnlyDictionary<string, int> ActivationsByType() =>
        runtime.Catalog.Activations.GroupBy(a => a.GrainId.Type).ToDictionary(g => g.Key, g => g.Count());
}
