using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Board;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Host.Orders;
using OrleansDelivery.Orders;
using OrleansDelivery.Payments;

namespace OrleansDelivery.Host.Board;

public sealed record OrderBoardResponse(IReadOnlyList<OrderBoardEntry> Items, int Total, IReadOnlyDictionary<OrderStatus, int> CountByStatus);

public sealed record StatusRequest(OrderStatus? Status);

/// <summary>Staff see every order by status and move orders along the state machine.</summary>
public static class OrderBoardEndpoints
{
    private static readonly OrderStatus[] StaffMoves = [OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered];

    public static IEndpointRouteBuilder MapOrderBoard(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/staff/orders")
            .WithTags("Staff")
            .RequireAuthorization(Policies.Staff);

        group.MapGet("/", GetBoardAsync)
            .WithName("GetOrderBoard")
            .WithSummary("The order board: orders of one status (or all), oldest first, with the count per status. Updated from the order stream within moments.");

        group.MapGet("/{id:guid}", GetOrderAsync)
            .WithName("GetAnyOrder")
            .WithSummary("Shows any order.");

        group.MapPost("/{id:guid}/status", AdvanceAsync)
            .WithName("AdvanceOrder")
            .WithSummary("Moves an order to Cooking, ReadyForDelivery, OutForDelivery or Delivered; a move the state machine forbids is a 409.");

        group.MapPost("/{id:guid}/payment/confirm", ConfirmPaymentAtDoorAsync)
            .WithName("ConfirmPaymentAtDoor")
            .WithSummary("The courier took the cash or the card terminal payment at the door; refused (409) for prepaid orders.");

        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithName("CancelAnyOrder")
            .WithSummary("Cancels an order for the customer (for example when the kitchen runs out), while it is not being cooked.");

        return app;
    }

    public static async Task<Results<Ok<OrderBoardResponse>, ValidationProblem>> GetBoardAsync(IGrainFactory grains, OrderStatus? status, int? page, int? pageSize)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (number, size) = Paging.Resolve(page, pageSize);
        var board = await grains.GetGrain<IOrderBoardGrain>(IOrderBoardGrain.Key).GetAsync(status, number, size);
        return TypedResults.Ok(new OrderBoardResponse(board.Items, board.Total, board.CountByStatus));
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrderAsync(Guid id, IGrainFactory grains) =>
        await grains.GetGrain<IOrderGrain>(id).GetAsync() is { } order ? TypedResults.Ok(order.ToResponse()) : NoSuchOrder();

    public static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> AdvanceAsync(
        Guid id, StatusRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (request.Status is not { } status || !StaffMoves.Contains(status))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["status"] = [$"Staff move orders to {string.Join(", ", StaffMoves)}; cancelling has its own endpoint."],
            });
        }

        var order = grains.GetGrain<IOrderGrain>(id);
        if (await order.GetAsync() is null)
        {
            return NoSuchOrder();
        }

        return await order.AdvanceAsync(status, user.Actor()) switch
        {
            TransitionResult.Changed changed => TypedResults.Ok(changed.Order.ToResponse()),
            TransitionResult.Refused refused => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: refused.Reason),
            _ => throw new InvalidOperationException("Unknown transition result."),
        };
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ConfirmPaymentAtDoorAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains)
    {
        var order = grains.GetGrain<IOrderGrain>(id);
        if (await order.GetAsync() is null)
        {
            return NoSuchOrder();
        }

        switch (await grains.GetGrain<IPaymentGrain>(id).ConfirmAtDoorAsync(user.Actor()))
        {
            case PaymentChangeResult.Changed changed:
                // The payment grain never calls its order; whoever changed the payment hands the order the news.
                var updated = await order.PaymentChangedAsync(changed.Payment);
                return TypedResults.Ok(updated!.ToResponse());
            case PaymentChangeResult.Refused refused:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: refused.Reason);
            default:
                throw new InvalidOperationException("Unknown payment change result.");
        }
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, CancelOrderRequest? request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (request?.Reason is { Length: > 500 })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "A reason has at most 500 characters.");
        }

        var order = grains.GetGrain<IOrderGrain>(id);
        if (await order.GetAsync() is null)
        {
            return NoSuchOrder();
        }

        return await order.CancelAsync(user.Actor(), request?.Reason) switch
        {
            TransitionResult.Changed changed => TypedResults.Ok(changed.Order.ToResponse()),
            TransitionResult.Refused refused => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: refused.Reason),
            _ => throw new InvalidOperationException("Unknown transition result."),
        };
    }

    private static ProblemHttpResult NoSuchOrder() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such order.");
}
