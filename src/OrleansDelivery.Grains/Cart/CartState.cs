namespace OrleansDelivery.Grains.Cart;

[GenerateSerializer, Alias("od.cart-state")]
public sealed record CartState
{
    /// <summary>The lines in the order they were first added.</summary>
    [Id(0)]
    public List<CartLine> Lines { get; init; } = [];

    /// <summary>Counts the cart's changes, so that emptying it after a checkout leaves a cart changed since alone.</summary>
    [Id(1)]
    public long Version { get; init; }
}

[GenerateSerializer, Immutable, Alias("od.cart-line")]
public sealed record CartLine(
    [property: Id(0)] Guid ProductId,
    [property: Id(1)] int Quantity,
    [property: Id(2)] string? Note,
    [property: Id(3)] decimal PriceWhenAdded);
