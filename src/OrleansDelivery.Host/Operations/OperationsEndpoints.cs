using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Dashboard;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Kitchen;
using OrleansDelivery.Operations;
using OrleansDelivery.Orders;
using OrleansDelivery.Ratings;

namespace OrleansDelivery.Host.Operations;

public sealed record OperationsResponse(
    DateTimeOffset At,
    IReadOnlyDictionary<OrderStatus, int> OrdersByStatus,
    IReadOnlyList<int> OrdersPerMinute,
    int OrdersLastMinute,
    int PlacedToday,
    IReadOnlyDictionary<string, decimal> RevenueToday,
    OperationsTimes Cooking,
    OperationsTimes Delivery,
    int PaymentFailuresToday,
    IReadOnlyList<PaymentFailureEntry> RecentPaymentFailures,
    int OpenLowRatingAlerts,
    IReadOnlyList<LowRatingAlert> LowRatingAlerts,
    IReadOnlyList<SlowOrderResponse> SlowestInProgress);

/// <summary>Measured today beside what orders are being promised now; minutes, null before the first sample.</summary>
public sealed record OperationsTimes(double? AverageMinutes, int Samples, double EstimateMinutes);

public sealed record SlowOrderResponse(Guid OrderId, string Number, OrderStatus Status, DateTimeOffset PlacedAt, double AgeMinutes, DateTimeOffset? ExpectedDeliveryAt, double? LateMinutes);

public static class OperationsEndpoints
{
    public const string DashboardPath = "/dashboard";

    public static WebApplication MapOperations(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<OperationsSettings>();
        app.MapHealthChecks("/health/live", OperationsHostingExtensions.LivenessOptions).AllowAnonymous();
        app.MapHealthChecks("/health/ready", OperationsHostingExtensions.ReadinessOptions).AllowAnonymous();

        // Operators' tools, not the product's API: they stay out of the API description, and are open only on a
        // developer's machine; everywhere else, admins or the operator key.
        var operatorTools = new List<IEndpointConventionBuilder> { app.MapPrometheusScrapingEndpoint("/metrics") };
        if (settings.Dashboard)
        {
            app.UseWhen(context => DashboardBusinessViewLink.IsPage(context.Request.Path), page => page.Use(DashboardBusinessViewLink.AddAsync));
            operatorTools.Add(app.MapOrleansDashboard(routePrefix: DashboardPath));
        }

        foreach (var tool in operatorTools)
        {
            tool.ExcludeFromDescription();
            if (settings.OpenInDevelopment)
            {
                tool.AllowAnonymous();
            }
            else
            {
                tool.RequireAuthorization(OperationsHostingExtensions.OperatorsPolicy);
            }
        }

        app.MapGroup("/api/staff/operations")
            .WithTags("Staff")
            .RequireAuthorization(Policies.Staff)
            .MapGet("/", GetOperationsAsync)
            .WithName("GetOperations")
            .WithSummary("The business view: orders per status and per minute, revenue today, cooking and delivery times beside the estimates, payment failures, low-rating alerts and the slowest orders in progress.");
        return app;
    }

    public static async Task<Ok<OperationsResponse>> GetOperationsAsync(IGrainFactory grains)
    {
        var view = grains.GetGrain<IOperationsGrain>(IOperationsGrain.Key).GetAsync();
        var estimates = grains.GetGrain<IDeliveryEstimatesGrain>(IDeliveryEstimatesGrain.Key).GetAsync();
        var alerts = grains.GetGrain<ILowRatingAlertsGrain>(ILowRatingAlertsGrain.Key).GetAsync(open: true, page: 1, pageSize: 5);
        await Task.WhenAll(view, estimates, alerts);
        var (snapshot, promised, open) = (view.Result, estimates.Result, alerts.Result);

        // The delivery estimate shown is the one for the most common way of delivering: on foot.
        return TypedResults.Ok(new OperationsResponse(
            snapshot.At,
            snapshot.OrdersByStatus,
            snapshot.OrdersPerMinute,
            snapshot.OrdersPerMinute.IsDefaultOrEmpty ? 0 : snapshot.OrdersPerMinute[^1],
            snapshot.PlacedToday,
            snapshot.RevenueToday,
            new OperationsTimes(snapshot.AverageCooking?.TotalMinutes, snapshot.CookingSamples, promised.Preparation.TotalMinutes),
            new OperationsTimes(snapshot.AverageDelivery?.TotalMinutes, snapshot.DeliverySamples, promised.DeliveryBy(DeliveryMethod.OnFoot).TotalMinutes),
            snapshot.PaymentFailuresToday,
            snapshot.RecentPaymentFailures,
            open.Total,
            open.Items,
            [.. snapshot.SlowestInProgress.Select(order => new SlowOrderResponse(
                order.OrderId,
                order.Number,
                order.Status,
                order.PlacedAt,
                Math.Round((snapshot.At - order.PlacedAt).TotalMinutes, 1),
                order.ExpectedDeliveryAt,
                order.ExpectedDeliveryAt is { } expected && snapshot.At > expected ? Math.Round((snapshot.At - expected).TotalMinutes, 1) : null))]));
    }
}
