namespace OrleansDelivery.Catalog;

/// <summary>
/// One product: its definition, and the stock it alone owns. Units are reserved for an order (all-or-nothing per
/// call, idempotent per reservation id), then committed when sold or released when the order falls through.
/// </summary>
public interface IProductGrain : IGrainWithGuidKey
{
    /// <summary>The product, or null when it was never defined.</summary>
    [ReadOnly]
    Task<ProductView?> GetAsync();

    /// <summary>Creates the product or replaces its definition; stock is untouched.</summary>
    Task<ProductView> DefineAsync(ProductDefinition definition);

    /// <summary>Adds (or, negative, removes) units on hand; never below what is reserved.</summary>
    Task<ProductView> AdjustStockAsync(int delta);

    Task<ReservationResult> ReserveAsync(Guid reservationId, int quantity);

    /// <summary>The reserved units are sold; unknown reservations are ignored, so a retry is harmless.</summary>
    Task CommitAsync(Guid reservationId);

    /// <summary>The reserved units go back on sale; unknown reservations are ignored, so a retry is harmless.</summary>
    Task ReleaseAsync(Guid reservationId);

    /// <summary>
    /// The order a reservation is for says it still needs the units (its answer to
    /// <see cref="Orders.IOrderGrain.SettleReservationAsync"/>): the product asks again only much later.
    /// </summary>
    Task KeepReservationAsync(Guid reservationId);

    /// <summary>Adds an order's rating to the product's average; the same order twice counts once.</summary>
    Task<ProductView?> AddRatingAsync(Guid orderId, int stars);
}
