using OrleansDelivery.Catalog;
using OrleansDelivery.Selling;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SellerGrainTests(ClusterFixture fixture)
{
    private static readonly ListingDetails Jam = new("Fig Jam", "Home-made.", 6.50m, "EUR", 5, "groceries");

    [Fact]
    public async Task A_listing_is_an_active_product_of_the_seller_with_its_stock()
    {
        var sellerId = Guid.NewGuid();

        var listing = await fixture.Grains.GetGrain<ISellerGrain>(sellerId).CreateAsync(Jam);
        var product = await fixture.Grains.GetGrain<IProductGrain>(listing.ProductId).GetAsync();

        Assert.NotNull(product);
        Assert.Equal((true, sellerId, 5), (product.Definition.IsActive, product.Definition.SellerId, product.AvailableStock));
        Assert.Equal((5, 5, ListingStatus.Active), (listing.Quantity, listing.Available, listing.Status));
    }

    [Fact]
    public async Task The_quantity_drops_by_what_is_available_and_no_further()
    {
        var seller = fixture.Grains.GetGrain<ISellerGrain>(Guid.NewGuid());
        var listing = await seller.CreateAsync(Jam);
        var product = fixture.Grains.GetGrain<IProductGrain>(listing.ProductId);
        Assert.IsType<ReservationResult.Reserved>(await product.ReserveAsync(Guid.NewGuid(), 2));
        var sold = Guid.NewGuid();
        Assert.IsType<ReservationResult.Reserved>(await product.ReserveAsync(sold, 1));
        await product.CommitAsync(sold);

        var tooLow = await seller.UpdateAsync(listing.Id, new ListingChanges("Fig Jam", "", 6.50m, 2));
        var lowest = await seller.UpdateAsync(listing.Id, new ListingChanges("Fig & Walnut Jam", "", 7m, 3));

        Assert.Equal(3, Assert.IsType<ListingUpdate.QuantityTooLow>(tooLow).Minimum);
        var updated = Assert.IsType<ListingUpdate.Updated>(lowest).Listing;
        Assert.Equal(("Fig & Walnut Jam", 7m, 3, 0), (updated.Name, updated.Price, updated.Quantity, updated.Available));
    }

    [Fact]
    public async Task A_withdrawn_listing_stops_selling_and_takes_no_edits()
    {
        var seller = fixture.Grains.GetGrain<ISellerGrain>(Guid.NewGuid());
        var listing = await seller.CreateAsync(Jam);

        Assert.True(await seller.WithdrawAsync(listing.Id));
        var edit = await seller.UpdateAsync(listing.Id, new ListingChanges("Fig Jam", "", 6.50m, 9));
        var reserve = await fixture.Grains.GetGrain<IProductGrain>(listing.ProductId).ReserveAsync(Guid.NewGuid(), 1);

        Assert.IsType<ListingUpdate.Withdrawn>(edit);
        Assert.IsType<ReservationResult.NotForSale>(reserve);
        Assert.Equal((ListingStatus.Withdrawn, 0), ((await seller.GetListingAsync(listing.Id))!.Status, (await seller.GetListingAsync(listing.Id))!.Available));
    }

    [Fact]
    public async Task Another_sellers_listing_is_unknown()
    {
        var listing = await fixture.Grains.GetGrain<ISellerGrain>(Guid.NewGuid()).CreateAsync(Jam);
        var other = fixture.Grains.GetGrain<ISellerGrain>(Guid.NewGuid());

        Assert.Null(await other.GetListingAsync(listing.Id));
        Assert.IsType<ListingUpdate.NotFound>(await other.UpdateAsync(listing.Id, new ListingChanges("Mine", "", 1m, 1)));
        Assert.False(await other.WithdrawAsync(listing.Id));
        Assert.Empty(await other.GetListingsAsync());
        Assert.True((await fixture.Grains.GetGrain<IProductGrain>(listing.ProductId).GetAsync())!.Definition.IsActive);
    }
}
