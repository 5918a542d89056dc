using OrleansDelivery.Catalog;
using OrleansDelivery.Identity;
using OrleansDelivery.Orders;
using OrleansDelivery.Ratings;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Grains.Orders;

/// <summary>
/// The single writer of one order. Every change appends to the status history with the next gap-free sequence
/// number, is written, and is then published on the order's stream and the customer's.
/// </summary>
public sealed class OrderGrain([PersistentState("order")] IPersistentState<OrderState> order, TimeProvider time) : Grain, IOrderGrain
{
    public const string OrderStreamNamespace = "orders";
    public const string CustomerOrdersStreamNamespace = "customer-orders";

    public async Task<PlaceResult> PlaceAsync(PlaceOrder placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        if (order.State.Order is not null)
        {
            return new PlaceResult.Placed(View());
        }

        // All or nothing: reserve every line under this order's id; on the first refusal give back what was taken.
        var orderId = this.GetPrimaryKey();
        var reserved = new List<IProductGrain>();
        foreach (var line in placement.Lines)
        {
            var product = GrainFactory.GetGrain<IProductGrain>(line.ProductId);
            var result = await product.ReserveAsync(orderId, line.Quantity);
            if (result is not ReservationResult.Reserved)
            {
                foreach (var taken in reserved)
                {
                    await taken.ReleaseAsync(orderId);
                }

                return result switch
                {
                    ReservationResult.OutOfStock outOfStock => new PlaceResult.OutOfStock(outOfStock.ProductName, outOfStock.Available),
                    _ => new PlaceResult.NotForSale(line.ProductId),
                };
            }

            reserved.Add(product);
        }

        var now = time.GetUtcNow();
        order.State = new OrderState
        {
            Order = placement,
            Status = OrderStatus.Placed,
            History = [new OrderStatusChange(1, OrderStatus.Placed, now, "customer")],
            Times = new OrderTimes { PlacedAt = now },
            DeliveryPrice = OrderTransitions.Delivery(placement.Delivery.Method).Price,
        };
        await order.WriteStateAsync();
        await GrainFactory.GetGrain<ICustomerGrain>(placement.CustomerId).AddOrderAsync(orderId);

        // Cash and POS are settled at the door: the kitchen may start at once. Prepaid orders wait for the payment.
        var next = OrderTransitions.IsPrepaid(placement.PaymentType) ? OrderStatus.AwaitingPayment : OrderStatus.Confirmed;
        await ChangeAsync(next, "system");
        return new PlaceResult.Placed(View());
    }

    public Task<OrderView?> GetAsync() => Task.FromResult(order.State.Order is null ? null : View());

    public async Task<TransitionResult> AdvanceAsync(OrderStatus to, string by)
    {
        if (order.State.Order is null)
        {
            return new TransitionResult.Refused("No such order.");
        }

        if (to == OrderStatus.Cancelled)
        {
            return await CancelAsync(by, null);
        }

        if (!OrderTransitions.IsAllowed(order.State.Status, to))
        {
            return new TransitionResult.Refused($"An order that is {order.State.Status} cannot become {to}.");
        }

        await ChangeAsync(to, by);
        if (to == OrderStatus.Delivered)
        {
            await ForEachProductAsync(product => product.CommitAsync(this.GetPrimaryKey()));
        }

        return new TransitionResult.Changed(View());
    }

    public async Task<TransitionResult> CancelAsync(string by, string? reason)
    {
        if (order.State.Order is null)
        {
            return new TransitionResult.Refused("No such order.");
        }

        if (!OrderTransitions.CouldBeCancelled(order.State.Status))
        {
            return new TransitionResult.Refused(OrderTransitions.WhyNotCancellable(order.State.Status));
        }

        order.State = order.State with { CancellationReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim() };
        await ChangeAsync(OrderStatus.Cancelled, by);
        await ForEachProductAsync(product => product.ReleaseAsync(this.GetPrimaryKey()));
        return new TransitionResult.Changed(View());
    }

    public async Task<RatingResult> RateAsync(int stars, string? comment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stars, OrderRating.MinStars);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stars, OrderRating.MaxStars);
        if (comment is { Length: > OrderRating.MaxCommentLength })
        {
            throw new ArgumentOutOfRangeException(nameof(comment), comment.Length, $"A comment has at most {OrderRating.MaxCommentLength} characters.");
        }

        if (order.State.Order is null)
        {
            return new RatingResult.UnknownOrder();
        }

        if (order.State.Rating is not null)
        {
            return new RatingResult.AlreadyRated();
        }

        if (order.State.Status != OrderStatus.Delivered)
        {
            return new RatingResult.NotDelivered();
        }

        var rating = new OrderRating(stars, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), time.GetUtcNow());
        order.State = order.State with { Rating = rating };
        await order.WriteStateAsync();

        // After the write, so the order is rated once whatever fails next; products and alerts count an order once,
        // so these calls may be repeated safely.
        var orderId = this.GetPrimaryKey();
        foreach (var productId in order.State.Order.Lines.Select(line => line.ProductId).Distinct())
        {
            await GrainFactory.GetGrain<IProductGrain>(productId).AddRatingAsync(orderId, stars);
        }

        if (stars <= OrderRating.LowStars)
        {
            await GrainFactory.GetGrain<ILowRatingAlertsGrain>(ILowRatingAlertsGrain.Key)
                .RaiseAsync(orderId, order.State.Order.Number, order.State.Order.CustomerId, stars, rating.Comment, rating.At);
        }

        return new RatingResult.Rated(View());
    }

    private async Task ForEachProductAsync(Func<IProductGrain, Task> action)
    {
        foreach (var line in order.State.Order!.Lines)
        {
            await action(GrainFactory.GetGrain<IProductGrain>(line.ProductId));
        }
    }

    private async Task ChangeAsync(OrderStatus to, string by)
    {
        var now = time.GetUtcNow();
        var state = order.State;
        var times = state.Times;
        times = to switch
        {
            OrderStatus.Confirmed => times with
            {
                PaidAt = OrderTransitions.IsPrepaid(state.Order!.PaymentType) ? now : times.PaidAt,
                ExpectedCookingEndAt = now + OrderTransitions.DefaultPreparation,
                ExpectedDeliveryAt = now + OrderTransitions.DefaultPreparation + OrderTransitions.Delivery(state.Order.Delivery.Method).Duration,
            },
            OrderStatus.Cooking => times with { CookingStartedAt = now },
            OrderStatus.ReadyForDelivery => times with { ReadyAt = now },
            OrderStatus.OutForDelivery => times with { OutForDeliveryAt = now },
            OrderStatus.Delivered => times with { DeliveredAt = now },
            OrderStatus.Cancelled => times with { CancelledAt = now },
            _ => times,
        };
        var change = new OrderStatusChange(state.History.Count + 1, to, now, by);
        order.State = state with { Status = to, Times = times, History = [.. state.History, change] };
        await order.WriteStateAsync();

        var view = View();
        var streams = this.GetStreamProvider(StreamProviders.Events);
        await streams.GetStream<OrderView>(StreamId.Create(OrderStreamNamespace, this.GetPrimaryKey())).OnNextAsync(view);
        await streams.GetStream<OrderView>(StreamId.Create(CustomerOrdersStreamNamespace, view.CustomerId)).OnNextAsync(view);
    }

    private OrderView View()
    {
        var state = order.State;
        var placement = state.Order!;
        return new OrderView(
            this.GetPrimaryKey(),
            placement.Number,
            placement.CustomerId,
            state.Status,
            [.. state.History],
            placement.Lines,
            placement.Lines.Sum(line => line.LineTotal),
            state.DeliveryPrice,
            placement.Currency,
            placement.Delivery,
            placement.PaymentType,
            placement.SpecialRequests,
            placement.DesiredTime,
            state.Times,
            state.CancellationReason,
            Rating: state.Rating);
    }
}
