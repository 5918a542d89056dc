using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Cart;
using OrleansDelivery.Favorites;
using OrleansDelivery.Host.Cart;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Favorites;

public sealed record SaveFavoriteRequest(string? Name);

public sealed record FavoriteLineResponse(Guid ProductId, string Name, int Quantity, string? Note);

public sealed record FavoriteResponse(Guid Id, string Name, IReadOnlyList<FavoriteLineResponse> Lines, DateTimeOffset CreatedAt);

public static class FavoriteEndpoints
{
    public static IEndpointRouteBuilder MapFavorites(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders")
            .WithTags("Favourites")
            .RequireAuthorization();

        orders.MapPost("/{id:guid}/favorite", SaveAsync)
            .WithName("SaveFavorite")
            .WithSummary($"Saves one of the customer's orders as a named favourite (names unique, at most {IFavoritesGrain.MaxFavorites}).");

        orders.MapPost("/{id:guid}/reorder", ReorderOrderAsync)
            .WithName("ReorderOrder")
            .WithSummary("Adds a past order's lines to the cart at today's prices; the cart warns where the price, the stock or the product changed.");

        var favorites = app.MapGroup("/api/favorites")
            .WithTags("Favourites")
            .RequireAuthorization();

        favorites.MapGet("/", GetAllAsync)
            .WithName("GetFavorites")
            .WithSummary("Lists the customer's favourites, newest first.");

        favorites.MapDelete("/{id:guid}", DeleteAsync)
            .WithName("DeleteFavorite")
            .WithSummary("Deletes a favourite.");

        favorites.MapPost("/{id:guid}/reorder", ReorderFavoriteAsync)
            .WithName("ReorderFavorite")
            .WithSummary("Adds a favourite's lines to the cart at today's prices; the cart warns where the price, the stock or the product changed.");

        return app;
    }

    public static async Task<Results<Created<FavoriteResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Guid id, SaveFavoriteRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > Favorite.MaxNameLength)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"Give a name of 1 to {Favorite.MaxNameLength} characters."] });
        }

        if (await OwnOrderAsync(id, user, grains) is not { } order)
        {
            return NotFound("Order not found.", $"You have no order {id}.");
        }

        return await FavoritesOf(user, grains).SaveFavoriteAsync(name, order) switch
        {
            FavoriteResult.Saved saved => TypedResults.Created($"/api/favorites/{saved.Favorite.Id}", saved.Favorite.ToResponse()),
            FavoriteResult.NameTaken taken => Conflict($"You have a favourite named \"{taken.Name}\" already."),
            _ => Conflict($"You have {IFavoritesGrain.MaxFavorites} favourites already; delete one to save another."),
        };
    }

    public static async Task<Results<Ok<PageResponse<FavoriteResponse>>, ValidationProblem>> GetAllAsync(
        ClaimsPrincipal user, IGrainFactory grains, int? page, int? pageSize)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(Paging.Of(await FavoritesOf(user, grains).GetFavoritesAsync(), page, pageSize, f => f.ToResponse()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await FavoritesOf(user, grains).RemoveFavoriteAsync(id) ? TypedResults.NoContent() : FavoriteNotFound(id);

    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> ReorderOrderAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await OwnOrderAsync(id, user, grains) is { } order
            ? await ReorderAsync(order.Lines, user, grains)
            : NotFound("Order not found.", $"You have no order {id}.");

    public static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> ReorderFavoriteAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await FavoritesOf(user, grains).GetFavoriteAsync(id) is { } favorite
            ? await ReorderAsync(favorite.Lines, user, grains)
            : FavoriteNotFound(id);

    private static async Task<Results<Ok<CartResponse>, ProblemHttpResult>> ReorderAsync(ImmutableArray<OrderLine> lines, ClaimsPrincipal user, IGrainFactory grains)
    {
        var additions = lines.Select(line => new CartAddition(line.ProductId, line.Quantity, line.Note, line.UnitPrice)).ToImmutableArray();
        return await grains.GetGrain<ICartGrain>(user.CustomerId()).AddLinesAsync(additions) switch
        {
            CartChange.Updated updated => TypedResults.Ok(updated.Cart.ToResponse()),
            _ => Conflict($"A cart holds at most {ICartGrain.MaxLines} different products; these do not fit beside what is in it. Nothing was added."),
        };
    }

    private static IFavoritesGrain FavoritesOf(ClaimsPrincipal user, IGrainFactory grains) => grains.GetGrain<IFavoritesGrain>(user.CustomerId());

    private static async Task<OrderView?> OwnOrderAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IOrderGrain>(id).GetAsync() is { } order && order.CustomerId == user.CustomerId() ? order : null;

    private static FavoriteResponse ToResponse(this Favorite favorite) => new(
        favorite.Id,
        favorite.Name,
        favorite.Lines.Select(line => new FavoriteLineResponse(line.ProductId, line.Name, line.Quantity, line.Note)).ToList(),
        favorite.CreatedAt);

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The favourite cannot be saved or reordered.", detail: detail);

    private static ProblemHttpResult FavoriteNotFound(Guid id) => NotFound("Favourite not found.", $"You have no favourite {id}.");

    private static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}
