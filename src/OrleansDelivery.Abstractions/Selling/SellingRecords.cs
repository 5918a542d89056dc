namespace OrleansDelivery.Selling;

public enum ListingStatus
{
    Active,

    /// <summary>The seller took it off sale; its product stays in the catalogue, inactive, for the orders that name it.</summary>
    Withdrawn,
}

/// <summary>What a seller says about an item to sell; the catalogue product is made from it.</summary>
[GenerateSerializer, Immutable, Alias("od.listing-details")]
public sealed record ListingDetails(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] decimal Price,
    [property: Id(3)] string Currency,
    [property: Id(4)] int Quantity,
    [property: Id(5)] string CategoryId);

/// <summary>The values a seller may change on a listing.</summary>
[GenerateSerializer, Immutable, Alias("od.listing-changes")]
public sealed record ListingChanges(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] decimal Price,
    [property: Id(3)] int Quantity);

/// <summary>
/// A listing as its seller sees it: <see cref="Quantity"/> is what they put up for sale, <see cref="Available"/> what can
/// still be bought (less what orders sold or hold).
/// </summary>
[GenerateSerializer, Immutable, Alias("od.listing-view")]
public sealed record ListingView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid ProductId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Description,
    [property: Id(4)] decimal Price,
    [property: Id(5)] string Currency,
    [property: Id(6)] int Quantity,
    [property: Id(7)] int Available,
    [property: Id(8)] string CategoryId,
    [property: Id(9)] ListingStatus Status,
    [property: Id(10)] DateTimeOffset CreatedAt);

/// <summary>The answer to editing a listing. A refusal is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.listing-update")]
public abstract record ListingUpdate
{
    [GenerateSerializer, Immutable, Alias("od.listing-update.updated")]
    public sealed record Updated([property: Id(0)] ListingView Listing) : ListingUpdate;

    [GenerateSerializer, Immutable, Alias("od.listing-update.not-found")]
    public sealed record NotFound : ListingUpdate;

    [GenerateSerializer, Immutable, Alias("od.listing-update.withdrawn")]
    public sealed record Withdrawn : ListingUpdate;

    /// <summary>The new quantity is below the units already sold or held by orders.</summary>
    [GenerateSerializer, Immutable, Alias("od.listing-update.quantity-too-low")]
    public sealed record QuantityTooLow([property: Id(0)] int Minimum) : ListingUpdate;
}
