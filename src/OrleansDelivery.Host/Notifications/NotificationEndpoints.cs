using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Notifications;

namespace OrleansDelivery.Host.Notifications;

public static class NotificationEndpoints
{
    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/notifications")
            .WithTags("Notifications")
            .RequireAuthorization();

        group.MapGet("/", GetNotificationsAsync)
            .WithName("GetNotifications")
            .WithSummary("Lists the customer's notifications, newest first, with how many are unread.");

        group.MapPost("/{id:guid}/read", MarkReadAsync)
            .WithName("MarkNotificationRead")
            .WithSummary("Marks one of the customer's notifications as read.");

        group.MapPost("/read-all", MarkAllReadAsync)
            .WithName("MarkAllNotificationsRead")
            .WithSummary("Marks every notification of the customer as read.");

        return app;
    }

    public static async Task<Results<Ok<NotificationPageResponse>, ValidationProblem>> GetNotificationsAsync(
        ClaimsPrincipal user, IGrainFactory grains, bool? unreadOnly, int? page, int? pageSize)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var inbox = await grains.GetGrain<INotificationsGrain>(user.CustomerId()).GetAsync();
        var items = inbox.Items.Where(n => unreadOnly != true || !n.Read).ToList();
        var paged = Paging.Of(items, page, pageSize, n => n.ToResponse());
        return TypedResults.Ok(new NotificationPageResponse(paged.Items, paged.Total, inbox.Unread));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> MarkReadAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<INotificationsGrain>(user.CustomerId()).MarkReadAsync(id)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Notification not found.", detail: $"You have no notification {id}.");

    public static async Task<NoContent> MarkAllReadAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        await grains.GetGrain<INotificationsGrain>(user.CustomerId()).MarkAllReadAsync();
        return TypedResults.NoContent();
    }
}
