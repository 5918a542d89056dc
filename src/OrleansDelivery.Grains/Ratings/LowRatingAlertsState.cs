using OrleansDelivery.Ratings;

namespace OrleansDelivery.Grains.Ratings;

[GenerateSerializer, Alias("od.low-rating-alerts-state")]
public sealed record LowRatingAlertsState
{
    /// <summary>Oldest first, as they were raised.</summary>
    [Id(0)]
    public List<LowRatingAlert> Alerts { get; init; } = [];
}
