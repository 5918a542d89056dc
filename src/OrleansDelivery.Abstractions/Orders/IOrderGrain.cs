using OrleansDelivery.Payments;
using OrleansDelivery.Ratings;

namespace OrleansDelivery.Orders;

/// <summary>
/// One order: the single writer of its state machine, times and status history. Placing reserves every line's
/// stock all-or-nothing; cancelling releases it; delivering sells it.
/// </summary>
public interface IOrderGrain : IGrainWithGuidKey
{
    /// <summary>Places the order; a second call returns the order as placed, whatever it is given.</summary>
    Task<PlaceResult> PlaceAsync(PlaceOrder order);

    /// <summary>The order, or null when it was never placed.</summary>
    [ReadOnly]
    Task<OrderView?> GetAsync();

    /// <summary>Moves the order on (staff, the kitchen, payments), if the state machine allows it.</summary>
    Task<TransitionResult> AdvanceAsync(OrderStatus to, string by);

    Task<TransitionResult> CancelAsync(string by, string? reason);

    /// <summary>
    /// Takes in the payment as it is now: keeps the newest view, and moves the order on a payment confirmed
    /// (→ Confirmed) or failed (→ PaymentFailed). Null when the order was never placed.
    /// </summary>
    Task<OrderView?> PaymentChangedAsync(PaymentView payment);

    /// <summary>
    /// Rates a delivered order once, then adds the stars to each of its products and raises a low-rating alert at
    /// <see cref="OrderRating.LowStars"/> or below.
    /// </summary>
    Task<RatingResult> RateAsync(int stars, string? comment);

    /// <summary>
    /// A product asks what becomes of the units it holds for this order, and is answered by a call back: released when
    /// the order was never placed (its checkout cut off before the order was written) or was cancelled, sold when it
    /// was delivered, kept otherwise. An order cut off before its confirmation is finished on the way. One-way, so a
    /// product never waits on an order that may itself be waiting on the product.
    /// </summary>
    [OneWay]
    Task SettleReservationAsync(Guid productId);
}

/// <summary>
/// The day's order numbers (key: yyyyMMdd), handed out in blocks: "20261123-0042". Numbers never repeat; a block a
/// silo took but did not use before it stopped leaves a gap.
/// </summary>
public interface IOrderNumberGrain : IGrainWithStringKey
{
    /// <summary>Reserves <paramref name="count"/> numbers; returns the first.</summary>
    Task<int> ReserveAsync(int count);
}

/// <summary>
/// Hands out order numbers on this silo from blocks reserved in <see cref="IOrderNumberGrain"/>, so placing an
/// order does not queue on one grain and one database write per number.
/// </summary>
public interface IOrderNumberAllocatorGrain : IGrainWithStringKey
{
    Task<string> NextAsync();
}
