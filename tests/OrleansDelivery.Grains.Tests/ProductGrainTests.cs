using OrleansDelivery.Catalog;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ProductGrainTests(ClusterFixture fixture)
{
    private static ProductDefinition Pizza(bool active = true) =>
        new("Margherita", "Tomato, mozzarella, basil.", 9.50m, "EUR", "pizza", ["vegetarian"], null, active);

    private async Task<IProductGrain> StockedProductAsync(int stock, bool active = true)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(Pizza(active));
        await product.AdjustStockAsync(stock);
        return product;
    }

    [Fact]
    public async Task Two_hundred_concurrent_reservations_for_fifty_units_sell_exactly_fifty()
    {
        var product = await StockedProductAsync(50);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => product.ReserveAsync(Guid.NewGuid(), 1)));

        Assert.Equal(50, results.Count(r => r is ReservationResult.Reserved));
        var refusals = results.OfType<ReservationResult.OutOfStock>().ToList();
        Assert.Equal(150, refusals.Count);
        Assert.All(refusals, refusal => Assert.Equal(("Margherita", 0), (refusal.ProductName, refusal.Available)));
        Assert.All(results.OfType<ReservationResult.Reserved>(), reserved => Assert.True(reserved.AvailableAfter >= 0));
        Assert.Equal(0, (await product.GetAsync())!.AvailableStock);
    }

    [Fact]
    public async Task A_retried_reservation_sets_aside_units_once()
    {
        var product = await StockedProductAsync(5);
        var order = Guid.NewGuid();

        var first = await product.ReserveAsync(order, 3);
        var retry = await product.ReserveAsync(order, 3);

        Assert.Equal(new ReservationResult.Reserved(3, 2), first);
        Assert.Equal(new ReservationResult.Reserved(3, 2), retry);
        Assert.Equal(2, (await product.GetAsync())!.AvailableStock);
    }

    [Fact]
    public async Task Released_units_go_back_on_sale_and_committed_ones_are_sold()
    {
        var product = await StockedProductAsync(10);
        var cancelled = Guid.NewGuid();
        var delivered = Guid.NewGuid();
        await product.ReserveAsync(cancelled, 4);
        await product.ReserveAsync(delivered, 5);

        await product.ReleaseAsync(cancelled);
        await product.ReleaseAsync(cancelled);
        await product.CommitAsync(delivered);
        await product.CommitAsync(delivered);

        Assert.Equal(5, (await product.GetAsync())!.AvailableStock);
        // The sold units are gone from stock for good: 5 left on hand, all of them free.
        Assert.IsType<ReservationResult.OutOfStock>(await product.ReserveAsync(Guid.NewGuid(), 6));
        Assert.IsType<ReservationResult.Reserved>(await product.ReserveAsync(Guid.NewGuid(), 5));
    }

    [Fact]
    public async Task An_inactive_or_undefined_product_is_not_for_sale()
    {
        var inactive = await StockedProductAsync(10, active: false);
        var undefined = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());

        Assert.IsType<ReservationResult.NotForSale>(await inactive.ReserveAsync(Guid.NewGuid(), 1));
        Assert.IsType<ReservationResult.NotForSale>(await undefined.ReserveAsync(Guid.NewGuid(), 1));
        Assert.Null(await undefined.GetAsync());
    }

    [Fact]
    public async Task Stock_cannot_be_taken_below_what_is_reserved()
    {
        var product = await StockedProductAsync(10);
        await product.ReserveAsync(Guid.NewGuid(), 8);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => product.AdjustStockAsync(-3));

        Assert.Equal(2, (await product.GetAsync())!.AvailableStock);
    }

    [Fact]
    public async Task The_catalogue_lists_a_product_once_its_change_arrives_and_drops_it_when_withdrawn()
    {
        var catalog = fixture.Grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        var word = "zz" + ClusterFixture.NewKey()[..10];
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());

        await product.DefineAsync(Pizza() with { Name = $"Pizza {word}" });
        var listed = await Wait.UntilAsync(
            () => catalog.SearchAsync(new ProductQuery("pizza", word, 1, 10)), page => page.Total == 1, TimeSpan.FromSeconds(30), "the product to be listed");
        Assert.Equal(product.GetPrimaryKey(), Assert.Single(listed.Items).Id);

        await product.DefineAsync(Pizza(active: false) with { Name = $"Pizza {word}" });
        await Wait.UntilAsync(
            () => catalog.SearchAsync(new ProductQuery(null, word, 1, 10)), page => page.Total == 0, TimeSpan.FromSeconds(30), "the withdrawn product to leave the listing");
    }
}
