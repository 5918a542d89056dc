using OrleansDelivery.Orders;

namespace OrleansDelivery.Favorites;

/// <summary>
/// One customer's favourite orders, keyed by the customer's id. The customer grain implements it, so favourites
/// live in the customer's state beside their order index.
/// </summary>
public interface IFavoritesGrain : IGrainWithGuidKey
{
    const int MaxFavorites = 50;

    /// <summary>Saves the order's lines under a name, unique per customer regardless of case.</summary>
    Task<FavoriteResult> SaveFavoriteAsync(string name, OrderView order);

    /// <summary>Newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<Favorite>> GetFavoritesAsync();

    [ReadOnly]
    Task<Favorite?> GetFavoriteAsync(Guid favoriteId);

    /// <summary>False when there is no such favourite.</summary>
    Task<bool> RemoveFavoriteAsync(Guid favoriteId);
}
