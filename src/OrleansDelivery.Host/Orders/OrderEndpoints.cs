using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansDelivery.Cart;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Host.Operations;
using OrleansDelivery.Host.Problems;
using OrleansDelivery.Identity;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Orders;

public static class OrderEndpoints
{
    private const int MaxIdempotencyKeyLength = 100;
    private const int MaxTextLength = 500;

    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/orders")
            .WithTags("Orders")
            .RequireAuthorization();

        group.MapPost("/", CheckoutAsync)
            .AddEndpointFilter<CheckoutLatencyFilter>()
            .WithName("Checkout")
            .WithSummary("Places an order from the cart, reserving every line's stock; a retry with the same Idempotency-Key returns the same order.");

        group.MapGet("/", GetHistoryAsync)
            .WithName("GetOrders")
            .WithSummary("Lists the customer's orders, newest first, by status and period.");

        group.MapGet("/pending", GetPendingAsync)
            .WithName("GetPendingOrders")
            .WithSummary("Lists the customer's orders that are not delivered or cancelled yet.");

        group.MapGet("/{id:guid}", GetOrderAsync)
            .WithName("GetOrder")
            .WithSummary("Shows one of the customer's orders.");

        group.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithName("CancelOrder")
            .WithSummary("Cancels one of the customer's orders while the kitchen has not started it.");

        return app;
    }

    public static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> CheckoutAsync(
        CheckoutRequest request,
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        ClaimsPrincipal user,
        IGrainFactory grains,
        TimeProvider time)
    {
        var errors = Validate(request, idempotencyKey, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var customerId = user.CustomerId();
        var orderId = string.IsNullOrEmpty(idempotencyKey)
            ? Guid.NewGuid()
            : OrderIds.ForIdempotencyKey(customerId, idempotencyKey);
        var order = grains.GetGrain<IOrderGrain>(orderId);
        var cart = grains.GetGrain<ICartGrain>(customerId);
        var placedBefore = await order.GetAsync();
        if (placedBefore is { Status: not OrderStatus.Placed })
        {
            // A retry whose first attempt placed the order may have been cut off before emptying the cart.
            await cart.CheckedOutAsync(placedBefore.CartVersion);
            return TypedResults.Created($"/api/orders/{orderId}", placedBefore.ToResponse());
        }

        // An order still Placed was cut off by a failover before its confirmation (its cart not emptied either):
        // placing it again finishes that, since the order grain completes what a first attempt left undone.
        var view = await cart.GetAsync();
        if (view.Lines.IsEmpty)
        {
            return Conflict("The cart is empty.");
        }

        if (view.Lines.FirstOrDefault(line => line.Warnings.Any(w => w.Code == CartWarning.NoLongerSold)) is { } withdrawn)
        {
            return Conflict($"{withdrawn.Name} is no longer sold; remove it from the cart.");
        }

        var today = time.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var placement = new PlaceOrder(
            customerId,
            await grains.GetGrain<IOrderNumberAllocatorGrain>(today).NextAsync(),
            [.. view.Lines.Select(line => new OrderLine(line.ProductId, line.Name, line.UnitPrice, line.Quantity, line.Note))],
            new DeliveryDetails(
                request.DeliveryMethod!.Value,
                request.DeliveryMethod == DeliveryMethod.Pickup ? null : request.DeliveryAddress!.Trim(),
                request.ContactName!.Trim(),
                SignUpValidation.NormalizePhone(request.ContactPhone)!),
            request.PaymentType!.Value,
            string.IsNullOrWhiteSpace(request.SpecialRequests) ? null : request.SpecialRequests.Trim(),
            request.DesiredTime,
            view.Currency,
            view.Version);

        switch (await order.PlaceAsync(placement))
        {
            case PlaceResult.Placed placed:
                // Emptied only while it is as that order took it (the order keeps the version, a retry may be the
                // first to get here): what the customer added since stays, and a clear delivered late empties nothing.
                await cart.CheckedOutAsync(placed.Order.CartVersion);
                return TypedResults.Created($"/api/orders/{orderId}", placed.Order.ToResponse());
            case PlaceResult.OutOfStock outOfStock:
                return Conflict($"Product {outOfStock.ProductName} has only {outOfStock.Available} items in stock");
            default:
                return Conflict("A product in the cart is no longer sold; remove it from the cart.");
        }
    }

    public static async Task<Results<Ok<PageResponse<OrderResponse>>, ValidationProblem>> GetHistoryAsync(
        ClaimsPrincipal user, IGrainFactory grains, OrderStatus? status, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize)
    {
        var errors = Paging.Validate(page, pageSize) ?? [];
        if (from > to)
        {
            errors["from"] = ["'from' must not be after 'to'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var orders = (await OrdersOfAsync(user, grains))
            .Where(o => status is null || o.Status == status)
            .Where(o => from is null || o.Times.PlacedAt >= from)
            .Where(o => to is null || o.Times.PlacedAt <= to)
            .ToList();
        return TypedResults.Ok(Paging.Of(orders, page, pageSize, o => o.ToResponse()));
    }

    public static async Task<Results<Ok<PageResponse<OrderResponse>>, ValidationProblem>> GetPendingAsync(
        ClaimsPrincipal user, IGrainFactory grains, int? page, int? pageSize)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var pending = (await OrdersOfAsync(user, grains)).Where(o => o.Status is not (OrderStatus.Delivered or OrderStatus.Cancelled)).ToList();
        return TypedResults.Ok(Paging.Of(pending, page, pageSize, o => o.ToResponse()));
    }

    public static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrderAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await OwnOrderAsync(id, user, grains) is { } order ? TypedResults.Ok(order.ToResponse()) : NotFound(id);

    public static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        Guid id, CancelOrderRequest? request, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (request?.Reason is { Length: > MaxTextLength } || FreeText.HasControlCharacters(request?.Reason))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"A reason has at most {MaxTextLength} characters."] });
        }

        if (await OwnOrderAsync(id, user, grains) is null)
        {
            return NotFound(id);
        }

        return await grains.GetGrain<IOrderGrain>(id).CancelAsync("customer", request?.Reason) switch
        {
            TransitionResult.Changed changed => TypedResults.Ok(changed.Order.ToResponse()),
            TransitionResult.Refused refused => Conflict(refused.Reason),
            _ => throw new InvalidOperationException("Unknown transition result."),
        };
    }

    private static async Task<OrderView?> OwnOrderAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IOrderGrain>(id).GetAsync() is { } order && order.CustomerId == user.CustomerId() ? order : null;

    private static async Task<IReadOnlyList<OrderView>> OrdersOfAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        var ids = await grains.GetGrain<ICustomerGrain>(user.CustomerId()).GetOrderIdsAsync();
        var orders = await Task.WhenAll(ids.Select(id => grains.GetGrain<IOrderGrain>(id).GetAsync()));
        return orders.OfType<OrderView>().ToList();
    }

    private static Dictionary<string, string[]> Validate(CheckoutRequest request, string? idempotencyKey, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.DeliveryMethod is null || !Enum.IsDefined(request.DeliveryMethod.Value))
        {
            errors["deliveryMethod"] = [$"Choose one of {string.Join(", ", Enum.GetNames<DeliveryMethod>())}."];
        }
        else if (request.DeliveryMethod != DeliveryMethod.Pickup && (string.IsNullOrWhiteSpace(request.DeliveryAddress) || request.DeliveryAddress.Length > 300 || FreeText.HasControlCharacters(request.DeliveryAddress)))
        {
            errors["deliveryAddress"] = ["Give the address to deliver to (at most 300 characters)."];
        }

        if (request.PaymentType is null || !Enum.IsDefined(request.PaymentType.Value))
        {
            errors["paymentType"] = [$"Choose one of {string.Join(", ", Enum.GetNames<PaymentType>())}."];
        }

        if (string.IsNullOrWhiteSpace(request.ContactName) || request.ContactName.Length > 100 || FreeText.HasControlCharacters(request.ContactName))
        {
            errors["contactName"] = ["Give the name to ask for (at most 100 characters)."];
        }

        if (SignUpValidation.NormalizePhone(request.ContactPhone) is null)
        {
            errors["contactPhone"] = ["Give a phone number of 7 to 15 digits."];
        }

        if (request.SpecialRequests is { Length: > MaxTextLength } || FreeText.HasControlCharacters(request.SpecialRequests))
        {
            errors["specialRequests"] = [$"Special requests have at most {MaxTextLength} characters."];
        }

        if (request.DesiredTime is { } desired && (desired < now || desired > now.AddDays(7)))
        {
            errors["desiredTime"] = ["A desired time is in the coming seven days."];
        }

        if (idempotencyKey is { Length: 0 or > MaxIdempotencyKeyLength })
        {
            errors["Idempotency-Key"] = [$"An Idempotency-Key has 1 to {MaxIdempotencyKeyLength} characters."];
        }

        return errors;
    }

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The order cannot be placed or changed.", detail: detail);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found.", detail: $"You have no order {id}.");
}
