using System.Collections.Immutable;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Favorites;

/// <summary>An order saved under a name, to be ordered again; the lines keep the prices paid then.</summary>
[GenerateSerializer, Immutable, Alias("od.favorite")]
public sealed record Favorite(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Name,
    [property: Id(2)] Guid OrderId,
    [property: Id(3)] ImmutableArray<OrderLine> Lines,
    [property: Id(4)] DateTimeOffset CreatedAt)
{
    public const int MaxNameLength = 100;
}

/// <summary>The answer to saving a favourite. A refusal is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.favorite-result")]
public abstract record FavoriteResult
{
    [GenerateSerializer, Immutable, Alias("od.favorite-result.saved")]
    public sealed record Saved([property: Id(0)] Favorite Favorite) : FavoriteResult;

    /// <summary>The customer has <see cref="IFavoritesGrain.MaxFavorites"/> favourites already.</summary>
    [GenerateSerializer, Immutable, Alias("od.favorite-result.full")]
    public sealed record Full : FavoriteResult;

    [GenerateSerializer, Immutable, Alias("od.favorite-result.name-taken")]
    public sealed record NameTaken([property: Id(0)] string Name) : FavoriteResult;
}
