using System.Collections.Immutable;

namespace OrleansDelivery.Cart;

/// <summary>
/// Something the customer should know about a line before checking out: the cart shows current prices and stock,
/// and says so when they differ from what the customer saw when adding the line.
/// </summary>
[GenerateSerializer, Immutable, Alias("od.cart-warning")]
public sealed record CartWarning([property: Id(0)] string Code, [property: Id(1)] string Message)
{
    public const string PriceChanged = "PriceChanged";
    public const string NotEnoughStock = "NotEnoughStock";
    public const string NoLongerSold = "NoLongerSold";
}

[GenerateSerializer, Immutable, Alias("od.cart-line-view")]
public sealed record CartLineView(
    [property: Id(0)] Guid ProductId,
    [property: Id(1)] string Name,
    [property: Id(2)] decimal UnitPrice,
    [property: Id(3)] int Quantity,
    [property: Id(4)] decimal LineTotal,
    [property: Id(5)] string? Note,
    [property: Id(6)] ImmutableArray<CartWarning> Warnings);

/// <summary>The cart as of now: current prices, and warnings where they or the stock moved.</summary>
[GenerateSerializer, Immutable, Alias("od.cart-view")]
public sealed record CartView(
    [property: Id(0)] ImmutableArray<CartLineView> Lines,
    [property: Id(1)] decimal ProductsPrice,
    [property: Id(2)] string Currency,
    [property: Id(3)] long Version = 0)
{
    public bool HasWarnings => Lines.Any(line => !line.Warnings.IsEmpty);
}

/// <summary>The answer to putting a product in the cart. A refusal is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.cart-change")]
public abstract record CartChange
{
    [GenerateSerializer, Immutable, Alias("od.cart-change.updated")]
    public sealed record Updated([property: Id(0)] CartView Cart) : CartChange;

    /// <summary>The cart already holds <see cref="ICartGrain.MaxLines"/> other products.</summary>
    [GenerateSerializer, Immutable, Alias("od.cart-change.full")]
    public sealed record Full : CartChange;

    /// <summary>The product does not exist or is not on sale.</summary>
    [GenerateSerializer, Immutable, Alias("od.cart-change.not-for-sale")]
    public sealed record NotForSale([property: Id(0)] Guid ProductId) : CartChange;
}

/// <summary>A line to add to the cart, with the price the customer saw for it (on a past order).</summary>
[GenerateSerializer, Immutable, Alias("od.cart-addition")]
public sealed record CartAddition(
    [property: Id(0)] Guid ProductId,
    [property: Id(1)] int Quantity,
    [property: Id(2)] string? Note,
    [property: Id(3)] decimal PriceSeen);
