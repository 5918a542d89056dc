namespace OrleansDelivery.Recommendations;

/// <summary>
/// Suggestions for one customer (keyed by the customer's id), worked out when asked from their statistics, the
/// catalogue and what is bought together; never an inactive or out-of-stock product.
/// </summary>
public interface IRecommendationGrain : IGrainWithGuidKey
{
    const int MaxItems = 10;

    [ReadOnly]
    Task<IReadOnlyList<Recommendation>> GetAsync();
}
