using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansDelivery.Cart;
using OrleansDelivery.Catalog;
using OrleansDelivery.Grains.Operations;
using OrleansDelivery.Grains.Payments;
using OrleansDelivery.Identity;
using OrleansDelivery.Kitchen;
using OrleansDelivery.Orders;
using OrleansDelivery.Payments;
using OrleansDelivery.Ratings;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Grains.Orders;

/// <summary>
/// The single writer of one order. Every change appends to the status history with the next gap-free sequence
/// number, is written, and is then published on the order's stream, the customer's and the all-orders stream. It
/// calls its payment grain (request, cancel, confirm at the door), never the other way round, and a durable reminder
/// cancels a prepaid order whose payment does not arrive in time.
/// </summary>
public sealed partial class OrderGrain(
    [PersistentState("order")] IPersistentState<OrderState> order,
    TimeProvider time,
    IOptions<PaymentOptions> payments,
    DeliveryMetrics metrics,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    public const string OrderStreamNamespace = "orders";
    public const string CustomerOrdersStreamNamespace = "customer-orders";
    public const string PaymentTimeoutReminder = "payment-timeout";

    // Orleans refuses reminder periods under a minute; only the first tick matters, later ones retry a failed one.
    private static readonly TimeSpan PaymentTimeoutRetry = TimeSpan.FromMinutes(1);

    public async Task<PlaceResult> PlaceAsync(PlaceOrder placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        if (order.State.Order is not null)
        {
            if (order.State.Status == OrderStatus.Placed)
            {
                // Only orders written before placing and confirming became one write are stored as just Placed: one
                // cut off before its confirmation is finished now (each step is idempotent).
                await GrainFactory.GetGrain<ICustomerGrain>(order.State.Order.CustomerId).AddOrderAsync(this.GetPrimaryKey());
                await CompletePlacementAsync(order.State.Order);
            }

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

        // The history lists the order before it exists: a failover in between leaves an entry the history skips (and a
        // retry fills), where the other way round it could leave an order no history lists.
        await GrainFactory.GetGrain<ICustomerGrain>(placement.CustomerId).AddOrderAsync(orderId);
        var now = time.GetUtcNow();
        order.State = new OrderState
        {
            Order = placement,
            Status = OrderStatus.Placed,
            History = [new OrderStatusChange(1, OrderStatus.Placed, now, "customer")],
            Times = new OrderTimes { PlacedAt = now },
            DeliveryPrice = OrderTransitions.Delivery(placement.Delivery.Method).Price,
        };
        try
        {
            // Placed is not written on its own: the order's first write is its confirmation (or its wait for payment),
            // with Placed in its history. A failover before it leaves only the stock reservations, which the products
            // settle with this order, still unwritten, by releasing them.
            await CompletePlacementAsync(placement);
        }
        catch
        {
            // Whether the write reached storage is unknown: this activation must not answer a retry from a state that
            // may not be stored. The next activation reads what is; a retry then finds the order or places it.
            order.State = new OrderState();
            DeactivateOnIdle();
            throw;
        }

        metrics.OrderPlaced(placement.PaymentType, placement.Delivery.Method);
        LogPlaced(logger, placement.Number, orderId, placement.CustomerId, placement.Lines.Sum(line => line.LineTotal) + order.State.DeliveryPrice, placement.Currency, placement.PaymentType, placement.Delivery.Method);
        return new PlaceResult.Placed(View());
    }

    /// <summary>
    /// The payment timeout, the payment request, then the order's write as confirmed (cash, POS) or awaiting payment
    /// (card, QR), published on its streams.
    /// </summary>
    private async Task CompletePlacementAsync(PlaceOrder placement)
    {
        if (OrderTransitions.IsPrepaid(placement.PaymentType))
        {
            // Armed before anything else can fail, so no prepaid order can wait for its payment for ever.
            var timeout = payments.Value.Timeout;
            await this.RegisterOrUpdateReminder(PaymentTimeoutReminder, timeout, timeout > PaymentTimeoutRetry ? timeout : PaymentTimeoutRetry);
        }

        var payment = await Payment.RequestAsync(new PaymentRequest(placement.PaymentType, View().TotalPrice, placement.Currency));
        order.State = order.State with { Payment = payment };

        // Cash and POS are settled at the door: the kitchen may start at once. Prepaid orders wait for the payment.
        var next = OrderTransitions.IsPrepaid(placement.PaymentType) ? OrderStatus.AwaitingPayment : OrderStatus.Confirmed;
        await ChangeAsync(next, "system");
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
            if (!OrderTransitions.IsPrepaid(order.State.Order.PaymentType)
                && await Payment.ConfirmAtDoorAsync(by) is PaymentChangeResult.Changed { Payment: var paid })
            {
                await KeepPaymentAsync(paid);
            }
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
        // After the order is written: a refund is never made for an order that is not cancelled.
        if (await Payment.CancelAsync(by) is { } payment)
        {
            await KeepPaymentAsync(payment);
        }

        return new TransitionResult.Changed(View());
    }

    public async Task<OrderView?> PaymentChangedAsync(PaymentView payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (order.State.Order is null)
        {
            return null;
        }

        if (order.State.Payment is { } known && known.Version >= payment.Version)
        {
            // Older news than the order has: the newer view already moved it.
            return View();
        }

        var before = order.State.Payment;
        order.State = order.State with { Payment = payment };
        switch (payment.Status, order.State.Status)
        {
            case (PaymentStatus.Confirmed, OrderStatus.PaymentFailed):
                await ChangeAsync(OrderStatus.AwaitingPayment, "payment");
                await ChangeAsync(OrderStatus.Confirmed, "payment");
                break;
            case (PaymentStatus.Confirmed, OrderStatus.Placed or OrderStatus.AwaitingPayment):
                await ChangeAsync(OrderStatus.Confirmed, "payment");
                break;
            case (PaymentStatus.Failed, OrderStatus.AwaitingPayment):
                await ChangeAsync(OrderStatus.PaymentFailed, "payment");
                break;
            default:
                await order.WriteStateAsync();
                break;
        }

        NoteIfPaid(before, payment);
        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PaymentTimeoutReminder)
        {
            return;
        }

        if (order.State.Order is not null && order.State.Status is OrderStatus.Placed or OrderStatus.AwaitingPayment or OrderStatus.PaymentFailed)
        {
            // A payment confirmed while the order was not told (the host stopped in between) settles the order instead.
            if (await Payment.GetAsync() is { Status: PaymentStatus.Confirmed } paid)
            {
                await PaymentChangedAsync(paid);
            }
            else
            {
                await CancelAsync("payment-timeout", "The payment did not arrive in time.");
            }
        }

        await StopPaymentTimeoutAsync();
    }

    public async Task SettleReservationAsync(Guid productId)
    {
        // Runs in a turn of its own: a placement in progress has finished (or died with its silo) before this looks.
        var orderId = this.GetPrimaryKey();
        var product = GrainFactory.GetGrain<IProductGrain>(productId);
        var placement = order.State.Order;
        if (placement is null)
        {
            LogUnplacedReservationReleased(logger, orderId, productId);
            await product.ReleaseAsync(orderId);
            return;
        }

        switch (order.State.Status)
        {
            case OrderStatus.Cancelled:
                await product.ReleaseAsync(orderId);
                break;
            case OrderStatus.Delivered:
                await product.CommitAsync(orderId);
                break;
            case OrderStatus.Placed:
                // Stored as just Placed (before placing and confirming became one write), cut off before its payment was
                // asked for, and not retried: finish as a retry would, so the customer finds the order that holds stock.
                LogCutOffPlacementFinished(logger, placement.Number, orderId);
                await GrainFactory.GetGrain<ICustomerGrain>(placement.CustomerId).AddOrderAsync(orderId);
                await CompletePlacementAsync(placement);
                await GrainFactory.GetGrain<ICartGrain>(placement.CustomerId).CheckedOutAsync(placement.CartVersion);
                await product.KeepReservationAsync(orderId);
                break;
            default:
                await product.KeepReservationAsync(orderId);
                break;
        }
    }

    private IPaymentGrain Payment => GrainFactory.GetGrain<IPaymentGrain>(this.GetPrimaryKey());

    private async Task KeepPaymentAsync(PaymentView payment)
    {
        var before = order.State.Payment;
        if (before is null || before.Version < payment.Version)
        {
            order.State = order.State with { Payment = payment };
            await order.WriteStateAsync();
            NoteIfPaid(before, payment);
        }
    }

    private async Task StopPaymentTimeoutAsync()
    {
        if (await this.GetReminder(PaymentTimeoutReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
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
        var state = order.State;
        var method = state.Order!.Delivery.Method;
        // Expected times follow what was measured: set at confirmation, then moved as each step really happens.
        var estimates = to is OrderStatus.Confirmed or OrderStatus.Cooking or OrderStatus.ReadyForDelivery or OrderStatus.OutForDelivery
            ? await GrainFactory.GetGrain<IDeliveryEstimatesGrain>(IDeliveryEstimatesGrain.Key).GetAsync()
            : DeliveryEstimates.Defaults;
        var now = time.GetUtcNow();
        var times = state.Times;
        times = to switch
        {
            OrderStatus.Confirmed => times with
            {
                PaidAt = OrderTransitions.IsPrepaid(state.Order.PaymentType) ? now : times.PaidAt,
                ExpectedCookingEndAt = now + estimates.Preparation,
                ExpectedDeliveryAt = now + estimates.Preparation + estimates.DeliveryBy(method),
            },
            OrderStatus.Cooking => times with
            {
                CookingStartedAt = now,
                ExpectedCookingEndAt = now + estimates.Preparation,
                ExpectedDeliveryAt = now + estimates.Preparation + estimates.DeliveryBy(method),
            },
            OrderStatus.ReadyForDelivery => times with { ReadyAt = now, ExpectedCookingEndAt = now, ExpectedDeliveryAt = now + estimates.DeliveryBy(method) },
            OrderStatus.OutForDelivery => times with { OutForDeliveryAt = now, ExpectedDeliveryAt = now + estimates.DeliveryBy(method) },
            OrderStatus.Delivered => times with { DeliveredAt = now },
            OrderStatus.Cancelled => times with { CancelledAt = now },
            _ => times,
        };
        var change = new OrderStatusChange(state.History.Count + 1, to, now, by);
        order.State = state with { Status = to, Times = times, History = [.. state.History, change] };
        await order.WriteStateAsync();
        if (to == OrderStatus.Delivered)
        {
            metrics.OrderDelivered(method);
            LogDelivered(logger, state.Order.Number, this.GetPrimaryKey(), method, by);
        }
        else if (to == OrderStatus.Cancelled)
        {
            metrics.OrderCancelled(by);
            LogCancelled(logger, state.Order.Number, this.GetPrimaryKey(), by, state.CancellationReason);
        }

        if (to is OrderStatus.Confirmed or OrderStatus.Cancelled && OrderTransitions.IsPrepaid(state.Order!.PaymentType))
        {
            await StopPaymentTimeoutAsync();
        }

        var view = View();
        var streams = this.GetStreamProvider(StreamProviders.Events);
        await streams.GetStream<OrderView>(StreamId.Create(OrderStreamNamespace, this.GetPrimaryKey())).OnNextAsync(view);
        await streams.GetStream<OrderView>(StreamId.Create(CustomerOrdersStreamNamespace, view.CustomerId)).OnNextAsync(view);
        await streams.GetStream<OrderView>(StreamId.Create(OrderStreams.AllOrders, OrderStreams.AllKey)).OnNextAsync(view);
    }

    /// <summary>Counts and logs the moment the order's payment is first seen confirmed, however it was paid.</summary>
    private void NoteIfPaid(PaymentView? before, PaymentView after)
    {
        if (after.Status == PaymentStatus.Confirmed && before?.Status != PaymentStatus.Confirmed)
        {
            var placement = order.State.Order!;
            metrics.OrderPaid(placement.PaymentType);
            LogPaid(logger, placement.Number, this.GetPrimaryKey(), after.Amount, after.Currency, placement.PaymentType);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Number} ({OrderId}) placed by customer {CustomerId}: {Total} {Currency}, {PaymentType}, {DeliveryMethod}")]
    private static partial void LogPlaced(ILogger logger, string number, Guid orderId, Guid customerId, decimal total, string currency, PaymentType paymentType, DeliveryMethod deliveryMethod);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Number} ({OrderId}) paid: {Amount} {Currency} by {PaymentType}")]
    private static partial void LogPaid(ILogger logger, string number, Guid orderId, decimal amount, string currency, PaymentType paymentType);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Number} ({OrderId}) cancelled by {By}: {Reason}")]
    private static partial void LogCancelled(ILogger logger, string number, Guid orderId, string by, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock of product {ProductId} was held for order {OrderId}, which was never placed (its checkout was cut off and not retried): released")]
    private static partial void LogUnplacedReservationReleased(ILogger logger, Guid orderId, Guid productId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {Number} ({OrderId}) was cut off before its confirmation and not retried: finished now")]
    private static partial void LogCutOffPlacementFinished(ILogger logger, string number, Guid orderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {Number} ({OrderId}) delivered ({DeliveryMethod}, by {By})")]
    private static partial void LogDelivered(ILogger logger, string number, Guid orderId, DeliveryMethod deliveryMethod, string by);

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
            state.Payment,
            Rating: state.Rating,
            CartVersion: placement.CartVersion);
    }
}
