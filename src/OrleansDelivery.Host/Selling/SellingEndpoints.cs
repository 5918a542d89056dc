using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Catalog;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Selling;

namespace OrleansDelivery.Host.Selling;

/// <summary>Customers selling items: each listing is a catalogue product with its own stock, owned by its seller.</summary>
public static class SellingEndpoints
{
    private const int MaxNameLength = 100;
    private const int MaxDescriptionLength = 2000;
    private const decimal MaxPrice = 100_000m;
    private const int MaxQuantity = 10_000;

    public static IEndpointRouteBuilder MapSelling(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sales")
            .WithTags("Selling")
            .RequireAuthorization();

        group.MapPost("/", CreateListingAsync)
            .WithName("CreateListing")
            .WithSummary("Puts an item up for sale: it enters the catalogue with its stock, and the seller gets an email.");

        group.MapGet("/", GetListingsAsync)
            .WithName("GetListings")
            .WithSummary("Lists the customer's own listings, newest first, with what is still available.");

        group.MapGet("/{id:guid}", GetListingAsync)
            .WithName("GetListing")
            .WithSummary("Shows one of the customer's listings.");

        group.MapPut("/{id:guid}", UpdateListingAsync)
            .WithName("UpdateListing")
            .WithSummary("Changes a listing's name, description, price and quantity; the stock moves by the quantity's difference.");

        group.MapDelete("/{id:guid}", WithdrawListingAsync)
            .WithName("WithdrawListing")
            .WithSummary("Withdraws a listing: its product is no longer sold.");

        return app;
    }

    public static async Task<Results<Created<ListingResponse>, ValidationProblem>> CreateListingAsync(
        ListingRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = Validate(request.Name, request.Description, request.Price, request.Quantity);
        var categories = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).GetCategoriesAsync();
        var category = categories.FirstOrDefault(c => string.Equals(c.Id, request.CategoryId?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (category is null)
        {
            errors["categoryId"] = [$"Choose one of the categories: {string.Join(", ", categories.Select(c => c.Id))}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var listing = await grains.GetGrain<ISellerGrain>(user.CustomerId()).CreateAsync(new ListingDetails(
            request.Name!.Trim(), request.Description?.Trim() ?? "", request.Price!.Value, DemoCatalogSeeder.Currency, request.Quantity!.Value, category!.Id));
        return TypedResults.Created($"/api/sales/{listing.Id}", listing.ToResponse());
    }

    public static async Task<Results<Ok<PageResponse<ListingResponse>>, ValidationProblem>> GetListingsAsync(
        ClaimsPrincipal user, IGrainFactory grains, int? page, int? pageSize)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var listings = await grains.GetGrain<ISellerGrain>(user.CustomerId()).GetListingsAsync();
        return TypedResults.Ok(Paging.Of(listings, page, pageSize, l => l.ToResponse()));
    }

    public static async Task<Results<Ok<ListingResponse>, ProblemHttpResult>> GetListingAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<ISellerGrain>(user.CustomerId()).GetListingAsync(id) is { } listing
            ? TypedResults.Ok(listing.ToResponse())
            : NotFound(id);

    public static async Task<Results<Ok<ListingResponse>, ValidationProblem, ProblemHttpResult>> UpdateListingAsync(
        Guid id, ListingChangesRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = Validate(request.Name, request.Description, request.Price, request.Quantity);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var changes = new ListingChanges(request.Name!.Trim(), request.Description?.Trim() ?? "", request.Price!.Value, request.Quantity!.Value);
        return await grains.GetGrain<ISellerGrain>(user.CustomerId()).UpdateAsync(id, changes) switch
        {
            ListingUpdate.Updated updated => TypedResults.Ok(updated.Listing.ToResponse()),
            ListingUpdate.Withdrawn => Conflict("The listing was withdrawn; list the item again to sell it."),
            ListingUpdate.QuantityTooLow tooLow => Conflict(
                $"The quantity cannot be less than {tooLow.Minimum}: that many units are sold or held by orders."),
            _ => NotFound(id),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> WithdrawListingAsync(Guid id, ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<ISellerGrain>(user.CustomerId()).WithdrawAsync(id) ? TypedResults.NoContent() : NotFound(id);

    private static Dictionary<string, string[]> Validate(string? name, string? description, decimal? price, int? quantity)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxNameLength)
        {
            errors["name"] = [$"Give a name of 1 to {MaxNameLength} characters."];
        }

        if (description is { Length: > MaxDescriptionLength })
        {
            errors["description"] = [$"A description has at most {MaxDescriptionLength} characters."];
        }

        if (price is not { } p || p <= 0 || p > MaxPrice || decimal.Round(p, 2) != p)
        {
            errors["price"] = [$"Give a price above 0 and at most {MaxPrice:0}, with at most 2 decimals."];
        }

        if (quantity is not (>= 1 and <= MaxQuantity))
        {
            errors["quantity"] = [$"Give a quantity from 1 to {MaxQuantity}."];
        }

        return errors;
    }

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The listing cannot be changed.", detail: detail);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Listing not found.", detail: $"You have no listing {id}.");
}
