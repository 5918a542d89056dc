using System.Globalization;
using OrleansDelivery.Catalog;
using OrleansDelivery.Notifications;
using OrleansDelivery.Selling;

namespace OrleansDelivery.Grains.Selling;

[GenerateSerializer, Alias("od.listing-state")]
public sealed record ListingState
{
    [Id(0)]
    public Guid Id { get; init; }

    [Id(1)]
    public Guid ProductId { get; init; }

    /// <summary>The units the seller put up for sale; the product's stock moves with every change of it.</summary>
    [Id(2)]
    public int Quantity { get; init; }

    [Id(3)]
    public ListingStatus Status { get; init; }

    [Id(4)]
    public DateTimeOffset CreatedAt { get; init; }
}

[GenerateSerializer, Alias("od.seller-state")]
public sealed record SellerState
{
    /// <summary>The seller's listings, oldest first.</summary>
    [Id(0)]
    public List<ListingState> Listings { get; init; } = [];
}

/// <summary>
/// The single writer of one seller's listings. What a listing says (name, price, stock) lives in its product grain,
/// which the catalogue, carts and checkouts use too; this grain keeps which products are the seller's and how many
/// units they put up for sale.
/// </summary>
public sealed class SellerGrain([PersistentState("seller")] IPersistentState<SellerState> seller, TimeProvider time) : Grain, ISellerGrain
{
    public async Task<ListingView> CreateAsync(ListingDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var listing = new ListingState
        {
            Id = Guid.NewGuid(), ProductId = Guid.NewGuid(), Quantity = details.Quantity, Status = ListingStatus.Active, CreatedAt = time.GetUtcNow(),
        };

        // The listing is written before its product exists, so a failure part-way leaves the seller a listing to see
        // and withdraw, never a product on sale that nobody owns.
        seller.State = seller.State with { Listings = [.. seller.State.Listings, listing] };
        await seller.WriteStateAsync();

        var product = GrainFactory.GetGrain<IProductGrain>(listing.ProductId);
        await product.DefineAsync(new ProductDefinition(
            details.Name, details.Description, details.Price, details.Currency, details.CategoryId, [], null, IsActive: true, SellerId: this.GetPrimaryKey()));
        var view = await product.AdjustStockAsync(details.Quantity);

        var price = details.Price.ToString("0.00", CultureInfo.InvariantCulture);
        await GrainFactory.GetGrain<INotificationsGrain>(this.GetPrimaryKey()).AddAsync(
            new Notification(
                listing.Id,
                NotificationKind.ListingCreated,
                $"Your listing \"{details.Name}\" is on sale",
                $"{details.Quantity} × {details.Name} at {price} {details.Currency} each are now in the catalogue. You can edit or withdraw the listing at any time.",
                null,
                listing.CreatedAt,
                Read: false),
            NotificationEmail.Always);
        return View(listing, view);
    }

    public async Task<IReadOnlyList<ListingView>> GetListingsAsync()
    {
        var listings = seller.State.Listings.AsEnumerable().Reverse().ToList();
        var products = await Task.WhenAll(listings.Select(l => GrainFactory.GetGrain<IProductGrain>(l.ProductId).GetAsync()));
        return listings.Zip(products).Where(pair => pair.Second is not null).Select(pair => View(pair.First, pair.Second!)).ToList();
    }

    public async Task<ListingView?> GetListingAsync(Guid listingId) =>
        Find(listingId) is { } listing && await GrainFactory.GetGrain<IProductGrain>(listing.ProductId).GetAsync() is { } product
            ? View(listing, product)
            : null;

    public async Task<ListingUpdate> UpdateAsync(Guid listingId, ListingChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (Find(listingId) is not { } listing || await GrainFactory.GetGrain<IProductGrain>(listing.ProductId).GetAsync() is not { } current)
        {
            return new ListingUpdate.NotFound();
        }

        if (listing.Status == ListingStatus.Withdrawn)
        {
            return new ListingUpdate.Withdrawn();
        }

        // Units sold or held by orders cannot be taken back: the quantity can drop by what is still available, no more.
        var minimum = Math.Max(1, listing.Quantity - current.AvailableStock);
        if (changes.Quantity < minimum)
        {
            return new ListingUpdate.QuantityTooLow(minimum);
        }

        var product = GrainFactory.GetGrain<IProductGrain>(listing.ProductId);
        var delta = changes.Quantity - listing.Quantity;
        if (delta != 0)
        {
            try
            {
                await product.AdjustStockAsync(delta);
            }
            catch (ArgumentOutOfRangeException)
            {
                // An order reserved units between the look and the change.
                var now = await product.GetAsync();
                return new ListingUpdate.QuantityTooLow(Math.Max(1, listing.Quantity - (now?.AvailableStock ?? 0)));
            }

            listing = listing with { Quantity = changes.Quantity };
            Save(listing);
            await seller.WriteStateAsync();
        }

        var updated = await product.DefineAsync(current.Definition with { Name = changes.Name, Description = changes.Description, Price = changes.Price });
        return new ListingUpdate.Updated(View(listing, updated));
    }

    public async Task<bool> WithdrawAsync(Guid listingId)
    {
        if (Find(listingId) is not { } listing)
        {
            return false;
        }

        var product = GrainFactory.GetGrain<IProductGrain>(listing.ProductId);
        if (await product.GetAsync() is { Definition.IsActive: true } current)
        {
            await product.DefineAsync(current.Definition with { IsActive = false });
        }

        if (listing.Status != ListingStatus.Withdrawn)
        {
            Save(listing with { Status = ListingStatus.Withdrawn });
            await seller.WriteStateAsync();
        }

        return true;
    }

    private ListingState? Find(Guid listingId) => seller.State.Listings.FirstOrDefault(l => l.Id == listingId);

    private void Save(ListingState listing) =>
        seller.State = seller.State with { Listings = [.. seller.State.Listings.Select(l => l.Id == listing.Id ? listing : l)] };

    private static ListingView View(ListingState listing, ProductView product) => new(
        listing.Id,
        listing.ProductId,
        product.Definition.Name,
        product.Definition.Description,
        product.Definition.Price,
        product.Definition.Currency,
        listing.Quantity,
        // A withdrawn listing sells nothing, whatever units are left on hand.
        listing.Status == ListingStatus.Active ? product.AvailableStock : 0,
        product.Definition.CategoryId,
        listing.Status,
        listing.CreatedAt);
}
