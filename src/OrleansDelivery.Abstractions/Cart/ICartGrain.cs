using System.Collections.Immutable;

namespace OrleansDelivery.Cart;

/// <summary>
/// One customer's cart, keyed by the customer's id. It does not reserve stock (checkout does); it remembers the
/// price each line was added at, so it can warn when the price changes before checkout.
/// </summary>
public interface ICartGrain : IGrainWithGuidKey
{
    /// <summary>Most units of one product a cart takes.</summary>
    const int MaxQuantity = 99;

    /// <summary>Most lines a cart takes.</summary>
    const int MaxLines = 50;

    /// <summary>Longest special request on a line.</summary>
    const int MaxNoteLength = 500;

    [ReadOnly]
    Task<CartView> GetAsync();

    /// <summary>Sets the quantity of a product (0 removes the line) and its note.</summary>
    Task<CartChange> SetItemAsync(Guid productId, int quantity, string? note);

    Task<CartView> RemoveItemAsync(Guid productId);

    Task ClearAsync();

    /// <summary>
    /// Empties the cart after a checkout from it at <paramref name="version"/> (<see cref="CartView.Version"/>), unless
    /// it changed since: a checkout retried, or a clear delivered late after a failover, never takes away what the
    /// customer put in the cart after that order. Returns whether it emptied the cart.
    /// </summary>
    Task<bool> CheckedOutAsync(long version);

    /// <summary>
    /// Adds lines to what is in the cart (a reorder): quantities add up to at most <see cref="MaxQuantity"/>, and
    /// each line remembers the price the customer saw then, so the cart warns where today's price differs. All or
    /// nothing: <see cref="CartChange.Full"/> when the new products would not fit.
    /// </summary>
    Task<CartChange> AddLinesAsync(ImmutableArray<CartAddition> lines);
}
