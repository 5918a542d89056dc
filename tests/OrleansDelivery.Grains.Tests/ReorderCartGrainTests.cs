using OrleansDelivery.Cart;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Grains.Tests;

/// <summary>A past order's lines going back into a cart.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ReorderCartGrainTests(ClusterFixture fixture)
{
    private async Task<IProductGrain> ProductAsync(string name, decimal price, int stock)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition(name, $"{name}, freshly made.", price, "EUR", "pizza", [], null, true));
        await product.AdjustStockAsync(stock);
        return product;
    }

    [Fact]
    public async Task Lines_add_to_the_cart_up_to_the_quantity_limit_and_warn_about_the_old_price()
    {
        var cart = fixture.Grains.GetGrain<ICartGrain>(Guid.NewGuid());
        var pizza = await ProductAsync("Margherita", 9.50m, 500);
        var cola = await ProductAsync("Cola", 2.20m, 500);
        await cart.SetItemAsync(pizza.GetPrimaryKey(), 90, "crispy");

        var change = await cart.AddLinesAsync([
            new CartAddition(pizza.GetPrimaryKey(), 20, "soft", 9.50m),
            new CartAddition(cola.GetPrimaryKey(), 2, null, 1.90m),
        ]);

        var view = Assert.IsType<CartChange.Updated>(change).Cart;
        Assert.Equal([(ICartGrain.MaxQuantity, "crispy"), (2, null)], view.Lines.Select(l => (l.Quantity, l.Note)));
        Assert.Empty(view.Lines[0].Warnings);
        Assert.Equal(CartWarning.PriceChanged, Assert.Single(view.Lines[1].Warnings).Code);
        Assert.Equal(2.20m, view.Lines[1].UnitPrice);
    }

    [Fact]
    public async Task Lines_that_would_overfill_the_cart_add_nothing()
    {
        var cart = fixture.Grains.GetGrain<ICartGrain>(Guid.NewGuid());
        var product = await ProductAsync("Edamame", 4.20m, 10);
        for (var i = 0; i < ICartGrain.MaxLines; i++)
        {
            Assert.IsType<CartChange.Updated>(await cart.SetItemAsync((await ProductAsync($"Item {i}", 1m, 10)).GetPrimaryKey(), 1, null));
        }

        Assert.IsType<CartChange.Full>(await cart.AddLinesAsync([new CartAddition(product.GetPrimaryKey(), 1, null, 4.20m)]));
        Assert.DoesNotContain((await cart.GetAsync()).Lines, l => l.ProductId == product.GetPrimaryKey());
    }
}
