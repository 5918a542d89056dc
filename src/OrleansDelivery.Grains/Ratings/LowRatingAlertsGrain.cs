using Microsoft.Extensions.Logging;
using OrleansDelivery.Ratings;

namespace OrleansDelivery.Grains.Ratings;

/// <summary>The single writer of the low-rating alerts; one alert per order, whoever raises it how often.</summary>
public sealed partial class LowRatingAlertsGrain(
    [PersistentState("alerts")] IPersistentState<LowRatingAlertsState> alerts, TimeProvider time, ILogger<LowRatingAlertsGrain> logger)
    : Grain, ILowRatingAlertsGrain
{
    public async Task<LowRatingAlert> RaiseAsync(Guid orderId, string orderNumber, Guid customerId, int stars, string? comment, DateTimeOffset at)
    {
        if (alerts.State.Alerts.Find(alert => alert.OrderId == orderId) is { } raised)
        {
            return raised;
        }

        var alert = new LowRatingAlert(Guid.NewGuid(), orderId, orderNumber, customerId, stars, comment, at, null, null);
        alerts.State = alerts.State with { Alerts = [.. alerts.State.Alerts, alert] };
        await alerts.WriteStateAsync();
        LogLowRating(logger, orderNumber, orderId, stars, alert.Id);
        return alert;
    }

    public Task<LowRatingAlertPage> GetAsync(bool? open, int page, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        var matching = alerts.State.Alerts
            .Where(alert => open is null || open == alert.AcknowledgedAt is null)
            .Reverse()
            .ToList();
        return Task.FromResult(new LowRatingAlertPage(matching.Skip((page - 1) * pageSize).Take(pageSize).ToList(), matching.Count));
    }

    public async Task<LowRatingAlert?> AcknowledgeAsync(Guid alertId, string by)
    {
        var index = alerts.State.Alerts.FindIndex(alert => alert.Id == alertId);
        if (index < 0)
        {
            return null;
        }

        var alert = alerts.State.Alerts[index];
        if (alert.AcknowledgedAt is not null)
        {
            return alert;
        }

        var acknowledged = alert with { AcknowledgedAt = time.GetUtcNow(), AcknowledgedBy = by };
        alerts.State = alerts.State with { Alerts = [.. alerts.State.Alerts.Select((a, i) => i == index ? acknowledged : a)] };
        await alerts.WriteStateAsync();
        return acknowledged;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Number} ({OrderId}) rated {Stars} stars: low-rating alert {AlertId} raised")]
    private static partial void LogLowRating(ILogger logger, string number, Guid orderId, int stars, Guid alertId);
}
