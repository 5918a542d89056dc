using System.Collections.Immutable;
using System.Globalization;
using OrleansDelivery.Cart;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Grains.Cart;

/// <summary>The single writer of one customer's cart.</summary>
public sealed class CartGrain([PersistentState("cart")] IPersistentState<CartState> cart) : Grain, ICartGrain
{
    private const string DefaultCurrency = "EUR";

    public Task<CartView> GetAsync() => ViewAsync();

    public async Task<CartChange> SetItemAsync(Guid productId, int quantity, string? note)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, ICartGrain.MaxQuantity);
        if (note is { Length: > ICartGrain.MaxNoteLength })
        {
            throw new ArgumentOutOfRangeException(nameof(note), note.Length, $"A note has at most {ICartGrain.MaxNoteLength} characters.");
        }

        var lines = cart.State.Lines;
        var index = lines.FindIndex(line => line.ProductId == productId);
        if (quantity == 0)
        {
            if (index >= 0)
            {
                await SaveAsync([.. lines.Where((_, i) => i != index)]);
            }

            return new CartChange.Updated(await ViewAsync());
        }

        if (await GrainFactory.GetGrain<IProductGrain>(productId).GetAsync() is not { Definition.IsActive: true } product)
        {
            return new CartChange.NotForSale(productId);
        }

        if (index < 0 && lines.Count >= ICartGrain.MaxLines)
        {
            return new CartChange.Full();
        }

        // Changing a line is seeing its current price: the warning about an older price goes with it.
        var line = new CartLine(productId, quantity, string.IsNullOrWhiteSpace(note) ? null : note, product.Definition.Price);
        await SaveAsync(index < 0 ? [.. lines, line] : [.. lines.Select((existing, i) => i == index ? line : existing)]);
        return new CartChange.Updated(await ViewAsync());
    }

    public async Task<CartView> RemoveItemAsync(Guid productId)
    {
        if (cart.State.Lines.Any(line => line.ProductId == productId))
        {
            await SaveAsync([.. cart.State.Lines.Where(line => line.ProductId != productId)]);
        }

        return await ViewAsync();
    }

    public async Task<CartChange> AddLinesAsync(ImmutableArray<CartAddition> additions)
    {
        var lines = new List<CartLine>(cart.State.Lines);
        foreach (var addition in additions.Where(a => a.Quantity > 0))
        {
            var index = lines.FindIndex(line => line.ProductId == addition.ProductId);
            if (index < 0)
            {
                lines.Add(new CartLine(addition.ProductId, Math.Min(addition.Quantity, ICartGrain.MaxQuantity), Trimmed(addition.Note), addition.PriceSeen));
                continue;
            }

            // The price the customer last saw is the one on the order they are repeating: the cart warns if today's differs.
            var existing = lines[index];
            lines[index] = existing with
            {
                Quantity = Math.Min(existing.Quantity + addition.Quantity, ICartGrain.MaxQuantity),
                Note = existing.Note ?? Trimmed(addition.Note),
                PriceWhenAdded = addition.PriceSeen,
            };
        }

        if (lines.Count > ICartGrain.MaxLines)
        {
            return new CartChange.Full();
        }

        // Products no longer sold are added too: the cart shows them with a warning rather than dropping them unsaid.
        await SaveAsync(lines);
        return new CartChange.Updated(await ViewAsync());
    }

    public async Task ClearAsync()
    {
        if (cart.State.Lines.Count > 0)
        {
            await SaveAsync([]);
        }
    }

    public async Task<bool> CheckedOutAsync(long version)
    {
        if (cart.State.Version != version || cart.State.Lines.Count == 0)
        {
            return false;
        }

        await SaveAsync([]);
        return true;
    }

    private static string? Trimmed(string? note) =>
        string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, ICartGrain.MaxNoteLength)];

    private async Task SaveAsync(List<CartLine> lines)
    {
        cart.State = cart.State with { Lines = lines, Version = cart.State.Version + 1 };
        await cart.WriteStateAsync();
    }

    private async Task<CartView> ViewAsync()
    {
        var lines = cart.State.Lines;
        var products = await Task.WhenAll(lines.Select(line => GrainFactory.GetGrain<IProductGrain>(line.ProductId).GetAsync()));
        var views = lines.Zip(products, View).ToImmutableArray();
        var currency = products.FirstOrDefault(p => p is not null)?.Definition.Currency ?? DefaultCurrency;
        return new CartView(views, views.Sum(v => v.LineTotal), currency, cart.State.Version);
    }

    private static CartLineView View(CartLine line, ProductView? product)
    {
        if (product is not { Definition.IsActive: true })
        {
            return new CartLineView(line.ProductId, product?.Definition.Name ?? "Unknown product", 0, line.Quantity, 0, line.Note,
                [new CartWarning(CartWarning.NoLongerSold, $"{product?.Definition.Name ?? "This product"} is no longer sold; remove it to check out.")]);
        }

        var name = product.Definition.Name;
        var price = product.Definition.Price;
        var warnings = ImmutableArray.CreateBuilder<CartWarning>();
        if (price != line.PriceWhenAdded)
        {
            warnings.Add(new CartWarning(CartWarning.PriceChanged, string.Create(
                CultureInfo.InvariantCulture, $"The price of {name} changed from {line.PriceWhenAdded:0.00} to {price:0.00} {product.Definition.Currency}.")));
        }

        if (product.AvailableStock < line.Quantity)
        {
            warnings.Add(new CartWarning(CartWarning.NotEnoughStock, $"{name} has only {product.AvailableStock} items in stock."));
        }

        return new CartLineView(line.ProductId, name, price, line.Quantity, price * line.Quantity, line.Note, warnings.ToImmutable());
    }
}
