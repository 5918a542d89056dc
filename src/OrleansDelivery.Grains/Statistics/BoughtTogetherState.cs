namespace OrleansDelivery.Grains.Statistics;

[GenerateSerializer, Alias("od.bought-together-state")]
public sealed record BoughtTogetherState
{
    /// <summary>By other product: in how many delivered orders it was bought with this one.</summary>
    [Id(0)]
    public Dictionary<Guid, int> Counts { get; init; } = [];

    /// <summary>The orders already counted, so a repeated event counts once.</summary>
    [Id(1)]
    public HashSet<Guid> Orders { get; init; } = [];
}
