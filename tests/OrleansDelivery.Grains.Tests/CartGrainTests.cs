using OrleansDelivery.Cart;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CartGrainTests(ClusterFixture fixture)
{
    private ICartGrain NewCart() => fixture.Grains.GetGrain<ICartGrain>(Guid.NewGuid());

    private async Task<IProductGrain> ProductAsync(string name, decimal price, int stock, bool active = true)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition(name, $"{name}, freshly made.", price, "EUR", "pizza", [], null, active));
        await product.AdjustStockAsync(stock);
        return product;
    }

    private static CartView Updated(CartChange change) => Assert.IsType<CartChange.Updated>(change).Cart;

    [Fact]
    public async Task Lines_keep_their_order_quantities_notes_and_a_total_at_current_prices()
    {
        var cart = NewCart();
        var pizza = await ProductAsync("Margherita", 9.50m, 10);
        var cola = await ProductAsync("Cola", 2.20m, 10);

        await cart.SetItemAsync(pizza.GetPrimaryKey(), 2, "extra basil");
        var view = Updated(await cart.SetItemAsync(cola.GetPrimaryKey(), 3, null));

        Assert.Equal(["Margherita", "Cola"], view.Lines.Select(l => l.Name));
        Assert.Equal([19.00m, 6.60m], view.Lines.Select(l => l.LineTotal));
        Assert.Equal("extra basil", view.Lines[0].Note);
        Assert.Equal(25.60m, view.ProductsPrice);
        Assert.Equal("EUR", view.Currency);
        Assert.False(view.HasWarnings);
    }

    [Fact]
    public async Task Setting_a_quantity_replaces_it_and_zero_removes_the_line()
    {
        var cart = NewCart();
        var pizza = await ProductAsync("Diavola", 11.90m, 10);

        await cart.SetItemAsync(pizza.GetPrimaryKey(), 1, null);
        Assert.Equal(4, Assert.Single(Updated(await cart.SetItemAsync(pizza.GetPrimaryKey(), 4, null)).Lines).Quantity);

        Assert.Empty(Updated(await cart.SetItemAsync(pizza.GetPrimaryKey(), 0, null)).Lines);
        Assert.Empty((await cart.GetAsync()).Lines);
    }

    [Fact]
    public async Task A_price_change_and_a_stock_drop_are_warnings_not_silent_changes()
    {
        var cart = NewCart();
        var pizza = await ProductAsync("Funghi", 10.90m, 5);
        await cart.SetItemAsync(pizza.GetPrimaryKey(), 4, null);

        var definition = (await pizza.GetAsync())!.Definition;
        await pizza.DefineAsync(definition with { Price = 11.50m });
        await pizza.ReserveAsync(Guid.NewGuid(), 3);
        var line = Assert.Single((await cart.GetAsync()).Lines);

        Assert.Equal(11.50m, line.UnitPrice);
        Assert.Equal(46.00m, line.LineTotal);
        Assert.Equal(
            [
                new CartWarning(CartWarning.PriceChanged, "The price of Funghi changed from 10.90 to 11.50 EUR."),
                new CartWarning(CartWarning.NotEnoughStock, "Funghi has only 2 items in stock."),
            ],
            line.Warnings);

        // Setting the line again is seeing the new price; only the stock warning stays.
        var again = Assert.Single(Updated(await cart.SetItemAsync(pizza.GetPrimaryKey(), 4, null)).Lines);
        Assert.Equal([CartWarning.NotEnoughStock], again.Warnings.Select(w => w.Code));
    }

    [Fact]
    public async Task A_product_that_is_not_on_sale_cannot_be_added_and_one_withdrawn_later_is_flagged()
    {
        var cart = NewCart();
        var withdrawnLater = await ProductAsync("Calzone", 12.00m, 5);
        var inactive = await ProductAsync("Secret Menu", 99m, 5, active: false);

        Assert.Equal(new CartChange.NotForSale(inactive.GetPrimaryKey()), await cart.SetItemAsync(inactive.GetPrimaryKey(), 1, null));
        Assert.IsType<CartChange.NotForSale>(await cart.SetItemAsync(Guid.NewGuid(), 1, null));

        await cart.SetItemAsync(withdrawnLater.GetPrimaryKey(), 1, null);
        await withdrawnLater.DefineAsync((await withdrawnLater.GetAsync())!.Definition with { IsActive = false });
        var view = await cart.GetAsync();

        Assert.Equal(CartWarning.NoLongerSold, Assert.Single(Assert.Single(view.Lines).Warnings).Code);
        Assert.Equal(0m, view.ProductsPrice);
    }

    [Fact]
    public async Task A_full_cart_takes_no_new_product_but_still_changes_its_lines()
    {
        var cart = NewCart();
        var products = new List<IProductGrain>();
        for (var i = 0; i <= ICartGrain.MaxLines; i++)
        {
            products.Add(await ProductAsync($"Item {i}", 1m, 5));
        }

        foreach (var product in products.Take(ICartGrain.MaxLines))
        {
            Updated(await cart.SetItemAsync(product.GetPrimaryKey(), 1, null));
        }

        Assert.IsType<CartChange.Full>(await cart.SetItemAsync(products[^1].GetPrimaryKey(), 1, null));
        Assert.Equal(3, Updated(await cart.SetItemAsync(products[0].GetPrimaryKey(), 3, null)).Lines[0].Quantity);
        Assert.Equal(ICartGrain.MaxLines, (await cart.GetAsync()).Lines.Length);
    }

    [Fact]
    public async Task Clearing_empties_the_cart_and_bad_quantities_are_refused()
    {
        var cart = NewCart();
        var pizza = await ProductAsync("Marinara", 8.50m, 5);
        await cart.SetItemAsync(pizza.GetPrimaryKey(), 1, null);

        await cart.ClearAsync();

        Assert.Empty((await cart.GetAsync()).Lines);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cart.SetItemAsync(pizza.GetPrimaryKey(), -1, null));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cart.SetItemAsync(pizza.GetPrimaryKey(), ICartGrain.MaxQuantity + 1, null));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cart.SetItemAsync(pizza.GetPrimaryKey(), 1, new string('x', ICartGrain.MaxNoteLength + 1)));
        Assert.Empty((await cart.GetAsync()).Lines);
    }

    [Fact]
    public async Task Emptying_after_a_checkout_leaves_a_cart_changed_since_alone()
    {
        var cart = NewCart();
        var pizza = await ProductAsync("Diavola", 10.50m, 5);
        var checkedOut = Updated(await cart.SetItemAsync(pizza.GetPrimaryKey(), 1, null)).Version;

        // The customer put the same dish in again after that checkout: a late or repeated clear must not take it.
        await cart.ClearAsync();
        var refilled = Updated(await cart.SetItemAsync(pizza.GetPrimaryKey(), 1, null));

        Assert.False(await cart.CheckedOutAsync(checkedOut));
        Assert.Equal([pizza.GetPrimaryKey()], (await cart.GetAsync()).Lines.Select(l => l.ProductId));
        Assert.True(await cart.CheckedOutAsync(refilled.Version));
        Assert.Empty((await cart.GetAsync()).Lines);
        Assert.False(await cart.CheckedOutAsync(refilled.Version));
    }
}
