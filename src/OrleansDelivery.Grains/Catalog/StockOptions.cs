using System.ComponentModel.DataAnnotations;

namespace OrleansDelivery.Grains.Catalog;

/// <summary>
/// The <c>Stock</c> section: how a product makes sure the units it holds for orders are still wanted. A checkout cut
/// off between reserving stock and writing its order, and never retried, would otherwise hold those units for ever.
/// </summary>
public sealed class StockOptions
{
    public const string Section = "Stock";

    /// <summary>
    /// How old a reservation must be before the product asks its order about it (one message per reservation): an
    /// order never placed gets its units released; a cancelled one released, a delivered one sold.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Stock:CheckReservationsAfter must be between 50 ms and 1 hour.")]
    public TimeSpan CheckReservationsAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often a reservation its order said it still needs is asked about again, in case the order's own release or
    /// sale was cut off later (a cancel whose release never reached the product).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00", ErrorMessage = "Stock:RecheckHeldReservationsEvery must be between 50 ms and 1 day.")]
    public TimeSpan RecheckHeldReservationsEvery { get; set; } = TimeSpan.FromMinutes(5);
}
