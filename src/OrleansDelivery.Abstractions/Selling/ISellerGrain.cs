namespace OrleansDelivery.Selling;

/// <summary>
/// One customer's listings (key: the seller's customer id). Each listing is a catalogue product the seller owns: its
/// stock is the product grain's, so purchases and the seller's edits meet in one place and nothing is oversold.
/// </summary>
public interface ISellerGrain : IGrainWithGuidKey
{
    /// <summary>Lists an item: a new active product with its stock, an email and a notification to the seller.</summary>
    Task<ListingView> CreateAsync(ListingDetails details);

    /// <summary>The seller's listings, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ListingView>> GetListingsAsync();

    /// <summary>The listing, or null when the seller has none with this id.</summary>
    [ReadOnly]
    Task<ListingView?> GetListingAsync(Guid listingId);

    /// <summary>Changes name, description, price and quantity; the stock moves by the quantity's difference.</summary>
    Task<ListingUpdate> UpdateAsync(Guid listingId, ListingChanges changes);

    /// <summary>Takes the listing off sale (its product becomes inactive); false when the seller has no such listing.</summary>
    Task<bool> WithdrawAsync(Guid listingId);
}
