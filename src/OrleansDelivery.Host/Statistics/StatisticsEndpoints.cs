using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Statistics;

namespace OrleansDelivery.Host.Statistics;

public sealed record ProductQuantityResponse(Guid ProductId, string Name, int Quantity);

public sealed record DeliveryPlaceResponse(string Address, int Count);

public sealed record OrderStatisticsResponse(
    string Period,
    DateTimeOffset? From,
    DateTimeOffset To,
    int OrderCount,
    decimal TotalSpent,
    string Currency,
    int ItemCount,
    decimal AverageOrder,
    IReadOnlyList<ProductQuantityResponse> TopProducts,
    IReadOnlyList<DeliveryPlaceResponse> DeliveryPlaces,
    double? AverageCookingMinutes,
    double? AverageDeliveryMinutes,
    int CancelledCount,
    int InProgressCount);

public static class StatisticsEndpoints
{
    public static IEndpointRouteBuilder MapStatistics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/stats/orders", GetOrderStatisticsAsync)
            .RequireAuthorization()
            .WithTags("Statistics")
            .WithName("GetOrderStatistics")
            .WithSummary("The customer's orders placed in the last day, week, month, year or ever (period, default all). Order count, money, "
                + "items, top products, places and times count delivered orders only; cancelled and in-progress orders are counted apart.");

        return app;
    }

    public static async Task<Results<Ok<OrderStatisticsResponse>, ValidationProblem>> GetOrderStatisticsAsync(
        ClaimsPrincipal user, IGrainFactory grains, string? period)
    {
        StatisticsPeriod? chosen = period?.ToLowerInvariant() switch
        {
            null or "all" => StatisticsPeriod.All,
            "day" => StatisticsPeriod.Day,
            "week" => StatisticsPeriod.Week,
            "month" => StatisticsPeriod.Month,
            "year" => StatisticsPeriod.Year,
            _ => null,
        };
        if (chosen is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["period"] = ["The period is day, week, month, year or all."] });
        }

        var stats = await grains.GetGrain<ICustomerStatisticsGrain>(user.CustomerId()).GetAsync(chosen.Value);
        return TypedResults.Ok(new OrderStatisticsResponse(
            stats.Period.ToString().ToLowerInvariant(),
            stats.From,
            stats.To,
            stats.OrderCount,
            stats.TotalSpent,
            stats.Currency,
            stats.ItemCount,
            stats.AverageOrder,
            stats.TopProducts.Select(p => new ProductQuantityResponse(p.ProductId, p.Name, p.Quantity)).ToList(),
            stats.DeliveryPlaces.Select(p => new DeliveryPlaceResponse(p.Address, p.Count)).ToList(),
            stats.AverageCookingMinutes,
            stats.AverageDeliveryMinutes,
            stats.CancelledCount,
            stats.InProgressCount));
    }
}
