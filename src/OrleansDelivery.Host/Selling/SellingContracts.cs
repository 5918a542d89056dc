using OrleansDelivery.Selling;

namespace OrleansDelivery.Host.Selling;

/// <summary>An item a customer puts up for sale.</summary>
public sealed record ListingRequest(string? Name, string? Description, decimal? Price, int? Quantity, string? CategoryId);

/// <summary>A listing's new name, description, price and quantity (all of them: the listing is replaced).</summary>
public sealed record ListingChangesRequest(string? Name, string? Description, decimal? Price, int? Quantity);

public sealed record ListingResponse(
    Guid Id,
    Guid ProductId,
    string Name,
    string Description,
    decimal Price,
    string Currency,
    int Quantity,
    int Available,
    string CategoryId,
    ListingStatus Status,
    DateTimeOffset CreatedAt);

internal static class ListingMapping
{
    public static ListingResponse ToResponse(this ListingView listing) => new(
        listing.Id,
        listing.ProductId,
        listing.Name,
        listing.Description,
        listing.Price,
        listing.Currency,
        listing.Quantity,
        listing.Available,
        listing.CategoryId,
        listing.Status,
        listing.CreatedAt);
}
