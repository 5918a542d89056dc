using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Cart;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Host.Problems;

namespace OrleansDelivery.Host.Cart;

public sealed record SetCartItemRequest(int? Quantity, string? Note);

public sealed record CartWarningResponse(string Code, string Message);

public sealed record CartLineResponse(Guid ProductId, string Name, decimal UnitPrice, int Quantity, decimal LineTotal, string? Note, IReadOnlyList<CartWarningResponse> Warnings);

public sealed record CartResponse(IReadOnlyList<CartLineResponse> Items, int Total, decimal ProductsPrice, string Currency, bool HasWarnings);

public static class CartEndpoints
{
    public static IEndpointRouteBuilder MapCart(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/cart")
            .WithTags("Cart")
            .RequireAuthorization();

        group.MapGet("/", GetCartAsync)
            .WithName("GetCart")
            .WithSummary("Shows the cart at current prices, with warnings where prices or stock changed.");

        group.MapPut("/items/{productId:guid}", SetItemAsync)
            .WithName("SetCartItem")
            .WithSummary("Sets how many of a product are in the cart (0 removes it) and the line's special request.");

        group.MapDelete("/items/{productId:guid}", RemoveItemAsync)
            .WithName("RemoveCartItem")
            .WithSummary("Removes a product from the cart.");

        group.MapDelete("/", ClearAsync)
            .WithName("ClearCart")
            .WithSummary("Empties the cart.");

        return app;
    }

    public static async Task<Ok<CartResponse>> GetCartAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok((await CartOf(user, grains).GetAsync()).ToResponse());

    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> SetItemAsync(
        Guid productId, SetCartItemRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Quantity is not { } quantity || quantity is < 0 or > ICartGrain.MaxQuantity)
        {
            errors["quantity"] = [$"Give a quantity from 0 (to remove the item) to {ICartGrain.MaxQuantity}."];
        }

        if (request.Note is { Length: > ICartGrain.MaxNoteLength } || FreeText.HasControlCharacters(request.Note))
        {
            errors["note"] = [$"A special request has at most {ICartGrain.MaxNoteLength} characters, on lines of text."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return await CartOf(user, grains).SetItemAsync(productId, request.Quantity!.Value, request.Note) switch
        {
            CartChange.Updated updated => TypedResults.Ok(updated.Cart.ToResponse()),
            CartChange.Full => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A cart holds at most {ICartGrain.MaxLines} different products."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found.", detail: $"There is no product {productId} on sale."),
        };
    }

    public static async Task<Ok<CartResponse>> RemoveItemAsync(Guid productId, ClaimsPrincipal user, IGrainFactory grains) =>
        TypedResults.Ok((await CartOf(user, grains).RemoveItemAsync(productId)).ToResponse());

    public static async Task<NoContent> ClearAsync(ClaimsPrincipal user, IGrainFactory grains)
    {
        await CartOf(user, grains).ClearAsync();
        return TypedResults.NoContent();
    }

    private static ICartGrain CartOf(ClaimsPrincipal user, IGrainFactory grains) => grains.GetGrain<ICartGrain>(user.CustomerId());

    internal static CartResponse ToResponse(this CartView cart) => new(
        cart.Lines.Select(line => new CartLineResponse(
            line.ProductId, line.Name, line.UnitPrice, line.Quantity, line.LineTotal, line.Note,
            line.Warnings.Select(w => new CartWarningResponse(w.Code, w.Message)).ToList())).ToList(),
        cart.Lines.Length,
        cart.ProductsPrice,
        cart.Currency,
        cart.HasWarnings);
}
