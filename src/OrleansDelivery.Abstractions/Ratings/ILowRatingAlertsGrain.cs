namespace OrleansDelivery.Ratings;

/// <summary>The low-rating alerts staff work through: one list for the whole service.</summary>
public interface ILowRatingAlertsGrain : IGrainWithStringKey
{
    /// <summary>The one alert list of the service.</summary>
    const string Key = "all";

    /// <summary>Raises an alert for an order's rating; the same order twice raises one alert.</summary>
    Task<LowRatingAlert> RaiseAsync(Guid orderId, string orderNumber, Guid customerId, int stars, string? comment, DateTimeOffset at);

    /// <summary>Newest first; only the ones not acknowledged yet when <paramref name="open"/> is true.</summary>
    [ReadOnly]
    Task<LowRatingAlertPage> GetAsync(bool? open, int page, int pageSize);

    /// <summary>Marks an alert as seen; null when there is no such alert. Acknowledging twice keeps the first.</summary>
    Task<LowRatingAlert?> AcknowledgeAsync(Guid alertId, string by);
}
