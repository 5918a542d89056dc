using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Host.Orders;
using OrleansDelivery.Orders;
using OrleansDelivery.Ratings;

namespace OrleansDelivery.Host.Ratings;

public sealed record RateOrderRequest(int? Stars, string? Comment);

public sealed record LowRatingAlertResponse(
    Guid Id, Guid OrderId, string OrderNumber, Guid CustomerId, int Stars, string? Comment, DateTimeOffset At, DateTimeOffset? AcknowledgedAt, string? AcknowledgedBy);

public static class RatingEndpoints
{
    public static IEndpointRouteBuilder MapRatings(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orders/{id:guid}/rating", RateAsync)
            .RequireAuthorization()
            .WithTags("Orders")
            .WithName("RateOrder")
            .WithSummary("Rates one of the customer's delivered orders once: 1 to 5 stars and a comment; 2 stars or fewer alert staff.");

        var staff = app.MapGroup("/api/staff/alerts")
            .WithTags("Staff")
            .RequireAuthorization(Policies.Staff);

        staff.MapGet("/", GetAlertsAsync)
            .WithName("GetLowRatingAlerts")
            .WithSummary("Staff: low-rating alerts, newest first; open=true for the ones not acknowledged yet.");

        staff.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync)
            .WithName("AcknowledgeLowRatingAlert")
            .WithSummary("Staff: marks a low-rating alert as seen.");

        return app;
    }

    public static async Task<Results<Created<OrderRatingResponse>, ValidationProblem, ProblemHttpResult>> RateAsync(
        Guid id, RateOrderRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Stars is not (>= OrderRating.MinStars and <= OrderRating.MaxStars))
        {
            errors["stars"] = [$"Give from {OrderRating.MinStars} to {OrderRating.MaxStars} stars."];
        }

        if (request.Comment is { Length: > OrderRating.MaxCommentLength })
        {
            errors["comment"] = [$"A comment has at most {OrderRating.MaxCommentLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var order = grains.GetGrain<IOrderGrain>(id);
        if (await order.GetAsync() is not { } view || view.CustomerId != user.CustomerId())
        {
            return OrderNotFound(id);
        }

        return await order.RateAsync(request.Stars!.Value, request.Comment) switch
        {
            RatingResult.Rated { Order.Rating: { } rating } => TypedResults.Created(
                $"/api/orders/{id}", new OrderRatingResponse(rating.Stars, rating.Comment, rating.At)),
            RatingResult.NotDelivered => Conflict("Only a delivered order can be rated"),
            RatingResult.AlreadyRated => Conflict("This order is rated already"),
            _ => OrderNotFound(id),
        };
    }

    public static async Task<Results<Ok<PageResponse<LowRatingAlertResponse>>, ValidationProblem>> GetAlertsAsync(
        IGrainFactory grains, bool? open, int? page, int? pageSize)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (number, size) = Paging.Resolve(page, pageSize);
        var alerts = await grains.GetGrain<ILowRatingAlertsGrain>(ILowRatingAlertsGrain.Key).GetAsync(open, number, size);
        return TypedResults.Ok(new PageResponse<LowRatingAlertResponse>(alerts.Items.Select(ToResponse).ToList(), alerts.Total));
    }

    public static async Task<Results<Ok<LowRatingAlertResponse>, ProblemHttpResult>> AcknowledgeAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<ILowRatingAlertsGrain>(ILowRatingAlertsGrain.Key).AcknowledgeAsync(id, user.Actor()) is { } alert
            ? TypedResults.Ok(ToResponse(alert))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Alert not found.", detail: $"There is no alert {id}.");

    private static LowRatingAlertResponse ToResponse(LowRatingAlert alert) => new(
        alert.Id, alert.OrderId, alert.OrderNumber, alert.CustomerId, alert.Stars, alert.Comment, alert.At, alert.AcknowledgedAt, alert.AcknowledgedBy);

    private static ProblemHttpResult Conflict(string title) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: $"{title}.");

    private static ProblemHttpResult OrderNotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found.", detail: $"You have no order {id}.");
}
