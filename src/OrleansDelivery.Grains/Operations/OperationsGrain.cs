using System.Collections.Immutable;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansDelivery.Operations;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Operations;

[GenerateSerializer, Alias("od.operations-order")]
public sealed record OperationsOrder(
    [property: Id(0)] string Number,
    [property: Id(1)] OrderStatus Status,
    [property: Id(2)] long Sequence,
    [property: Id(3)] DateTimeOffset PlacedAt,
    [property: Id(4)] DateTimeOffset? ExpectedDeliveryAt);

[GenerateSerializer, Alias("od.operations-state")]
public sealed record OperationsState
{
    /// <summary>The UTC day the day's figures belong to.</summary>
    [Id(0)] public DateOnly Day { get; set; }

    /// <summary>Orders neither delivered nor cancelled, whatever day they were placed.</summary>
    [Id(1)] public Dictionary<Guid, OperationsOrder> InProgress { get; init; } = [];

    [Id(2)] public int PlacedToday { get; set; }

    [Id(3)] public int DeliveredToday { get; set; }

    [Id(4)] public int CancelledToday { get; set; }

    [Id(5)] public int PaymentFailuresToday { get; set; }

    [Id(6)] public Dictionary<string, decimal> RevenueToday { get; init; } = [];

    [Id(7)] public long CookingTicks { get; set; }

    [Id(8)] public int CookingSamples { get; set; }

    [Id(9)] public long DeliveryTicks { get; set; }

    [Id(10)] public int DeliverySamples { get; set; }

    /// <summary>Orders placed per minute (minutes since 0001-01-01 UTC) for the last <see cref="IOperationsGrain.MinutesShown"/> minutes.</summary>
    [Id(11)] public Dictionary<long, int> PlacedPerMinute { get; init; } = [];

    [Id(12)] public List<PaymentFailureEntry> RecentPaymentFailures { get; init; } = [];
}

/// <summary>
/// The single writer of the business view, a projection of the all-orders stream like the order board: it counts
/// each order's steps as they arrive (an order's gap-free sequence drops repeats) and keeps only what the view shows,
/// so reading it never touches an order. Revenue is counted when an order is delivered: cash is taken at the door and
/// a prepaid order is refunded if it never arrives. Written behind: a crash loses seconds of figures, not orders.
/// </summary>
[ImplicitStreamSubscription(OrderStreams.AllOrders)]
public sealed class OperationsGrain([PersistentState("operations")] IPersistentState<OperationsState> view, TimeProvider time)
    : Grain, IOperationsGrain, IStreamSubscriptionObserver, IAsyncObserver<OrderView>
{
    private const int FailuresShown = 5;
    private const int FinishedRemembered = 10_000;

    private readonly WriteBehind _writeBehind = new();

    // The latest finished orders, so a repeated last event is not counted twice. Kept in memory only: a finished
    // order publishes nothing more, so only a redelivery just after its last step could repeat it.
    private readonly HashSet<Guid> _finished = [];
    private readonly Queue<Guid> _finishedOrder = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind.Start(this, () => view.WriteStateAsync());
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await _writeBehind.FlushAsync();

    public Task<OperationsSnapshot> GetAsync()
    {
        var now = time.GetUtcNow();
        var state = view.State;
        // A quiet night leaves yesterday's figures in the state until the first order of the day arrives.
        var today = state.Day == DateOnly.FromDateTime(now.UtcDateTime);
        var byStatus = state.InProgress.Values.GroupBy(order => order.Status).ToDictionary(group => group.Key, group => group.Count());
        byStatus[OrderStatus.Delivered] = today ? state.DeliveredToday : 0;
        byStatus[OrderStatus.Cancelled] = today ? state.CancelledToday : 0;
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            byStatus.TryAdd(status, 0);
        }

        var currentMinute = MinuteOf(now);
        var perMinute = new int[IOperationsGrain.MinutesShown];
        foreach (var (minute, count) in state.PlacedPerMinute)
        {
            var minutesAgo = currentMinute - minute;
            if (minutesAgo is >= 0 and < IOperationsGrain.MinutesShown)
            {
                perMinute[IOperationsGrain.MinutesShown - 1 - minutesAgo] = count;
            }
        }

        var slowest = state.InProgress
            .Where(order => order.Value.Status is OrderStatus.Confirmed or OrderStatus.Cooking or OrderStatus.ReadyForDelivery or OrderStatus.OutForDelivery)
            .OrderBy(order => order.Value.PlacedAt)
            .Take(IOperationsGrain.SlowestShown)
            .Select(order => new SlowOrderEntry(order.Key, order.Value.Number, order.Value.Status, order.Value.PlacedAt, order.Value.ExpectedDeliveryAt));

        return Task.FromResult(new OperationsSnapshot(
            now,
            byStatus.ToImmutableDictionary(),
            [.. perMinute],
            today ? state.PlacedToday : 0,
            today ? state.RevenueToday.ToImmutableDictionary() : ImmutableDictionary<string, decimal>.Empty,
            today && state.CookingSamples > 0 ? TimeSpan.FromTicks(state.CookingTicks / state.CookingSamples) : null,
            today ? state.CookingSamples : 0,
            today && state.DeliverySamples > 0 ? TimeSpan.FromTicks(state.DeliveryTicks / state.DeliverySamples) : null,
            today ? state.DeliverySamples : 0,
            today ? state.PaymentFailuresToday : 0,
            [.. state.RecentPaymentFailures],
            [.. slowest]));
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderView>().ResumeAsync(this);

    public Task OnNextAsync(OrderView order, StreamSequenceToken? token = null)
    {
        var state = view.State;
        var change = order.StatusHistory[^1];
        StartDay(DateOnly.FromDateTime(change.At.UtcDateTime));
        var known = state.InProgress.GetValueOrDefault(order.Id);
        if (known is not null && known.Sequence >= change.Sequence || _finished.Contains(order.Id))
        {
            return Task.CompletedTask;
        }

        if (known is null)
        {
            // The first step an order publishes comes after Placed, which is written with the order itself.
            CountPlacement(order.Times.PlacedAt);
        }

        var times = order.Times;
        switch (order.Status)
        {
            case OrderStatus.PaymentFailed:
                state.PaymentFailuresToday++;
                state.RecentPaymentFailures.Insert(0, new PaymentFailureEntry(order.Id, order.Number, order.PaymentType, order.Payment?.FailureReason, change.At));
                if (state.RecentPaymentFailures.Count > FailuresShown)
                {
                    state.RecentPaymentFailures.RemoveRange(FailuresShown, state.RecentPaymentFailures.Count - FailuresShown);
                }

                break;
            case OrderStatus.ReadyForDelivery when times is { CookingStartedAt: { } started, ReadyAt: { } ready } && ready > started:
                state.CookingTicks += (ready - started).Ticks;
                state.CookingSamples++;
                break;
            case OrderStatus.Delivered:
                if (order.Delivery.Method != DeliveryMethod.Pickup && times is { OutForDeliveryAt: { } left, DeliveredAt: { } delivered } && delivered > left)
                {
                    state.DeliveryTicks += (delivered - left).Ticks;
                    state.DeliverySamples++;
                }

                state.DeliveredToday++;
                state.RevenueToday[order.Currency] = state.RevenueToday.GetValueOrDefault(order.Currency) + order.TotalPrice;
                break;
            case OrderStatus.Cancelled:
                state.CancelledToday++;
                break;
        }

        if (order.Status is OrderStatus.Delivered or OrderStatus.Cancelled)
        {
            state.InProgress.Remove(order.Id);
            RememberFinished(order.Id);
        }
        else
        {
            state.InProgress[order.Id] = new OperationsOrder(order.Number, order.Status, change.Sequence, times.PlacedAt, times.ExpectedDeliveryAt);
        }

        _writeBehind.MarkDirty();
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private void StartDay(DateOnly day)
    {
        var state = view.State;
        if (day <= state.Day)
        {
            return;
        }

        state.Day = day;
        state.PlacedToday = state.DeliveredToday = state.CancelledToday = state.PaymentFailuresToday = 0;
        state.RevenueToday.Clear();
        state.CookingTicks = state.DeliveryTicks = 0;
        state.CookingSamples = state.DeliverySamples = 0;
        state.RecentPaymentFailures.Clear();
    }

    private void CountPlacement(DateTimeOffset placedAt)
    {
        var state = view.State;
        if (DateOnly.FromDateTime(placedAt.UtcDateTime) == state.Day)
        {
            state.PlacedToday++;
        }

        var oldest = MinuteOf(time.GetUtcNow()) - IOperationsGrain.MinutesShown;
        foreach (var minute in state.PlacedPerMinute.Keys.Where(minute => minute <= oldest).ToList())
        {
            state.PlacedPerMinute.Remove(minute);
        }

        var placedMinute = MinuteOf(placedAt);
        if (placedMinute > oldest)
        {
            state.PlacedPerMinute[placedMinute] = state.PlacedPerMinute.GetValueOrDefault(placedMinute) + 1;
        }
    }

    private void RememberFinished(Guid orderId)
    {
        if (_finished.Add(orderId))
        {
            _finishedOrder.Enqueue(orderId);
            if (_finishedOrder.Count > FinishedRemembered)
            {
                _finished.Remove(_finishedOrder.Dequeue());
            }
        }
    }

    private static long MinuteOf(DateTimeOffset at) => at.UtcTicks / TimeSpan.TicksPerMinute;
}
