using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Recommendations;

namespace OrleansDelivery.Host.Recommendations;

public sealed record RecommendationResponse(Guid ProductId, string Name, decimal Price, string Currency, string Reason);

public sealed record RecommendationsResponse(IReadOnlyList<RecommendationResponse> Items);

public static class RecommendationEndpoints
{
    public static IEndpointRouteBuilder MapRecommendations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/recommendations", GetRecommendationsAsync)
            .RequireAuthorization()
            .WithTags("Recommendations")
            .WithName("GetRecommendations")
            .WithSummary($"Up to {IRecommendationGrain.MaxItems} products for the customer, each with its reason: what they order most, more of "
                + "those categories, what others buy with it; popular and then any products for a new customer. Only active, in-stock products.");

        return app;
    }

    public static async Task<Ok<RecommendationsResponse>> GetRecommendationsAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        var items = await grains.GetGrain<IRecommendationGrain>(user.CustomerId()).GetAsync();
        return TypedResults.Ok(new RecommendationsResponse(
            items.Select(item => new RecommendationResponse(item.ProductId, item.Name, item.Price, item.Currency, item.Reason)).ToList()));
    }
}
