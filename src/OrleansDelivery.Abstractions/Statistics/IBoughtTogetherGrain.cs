using System.Collections.Immutable;

namespace OrleansDelivery.Statistics;

/// <summary>
/// Keyed by a product's id: in how many delivered orders each other product was bought with it, across all
/// customers. Fed by the customers' statistics projections.
/// </summary>
public interface IBoughtTogetherGrain : IGrainWithGuidKey
{
    /// <summary>Counts the order's other products once; the same order twice changes nothing.</summary>
    Task AddOrderAsync(Guid orderId, ImmutableArray<Guid> otherProducts);

    /// <summary>The products most often bought with this one, most often first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<BoughtTogetherCount>> GetTopAsync(int count);
}
