using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansDelivery.Board;
using OrleansDelivery.Grains.Kitchen;
using OrleansDelivery.Kitchen;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Board;

[GenerateSerializer, Alias("od.order-board-state")]
public sealed record OrderBoardState
{
    [Id(0)]
    public Dictionary<Guid, OrderBoardEntry> Orders { get; init; } = [];

    /// <summary>The last event applied; the subscription resumes after it (see <see cref="StreamResumePoint"/>).</summary>
    [Id(1)]
    public StreamResumePoint? ResumeAfter { get; set; }
}

/// <summary>
/// The single writer of the staff's order board, a projection of the all-orders stream. Each order's entry moves
/// only forward (by the order's gap-free sequence), so repeated or late events change nothing. When the kitchen
/// simulator is on, the board is where it picks up newly confirmed orders, as a kitchen reads its ticket rail.
/// </summary>
[ImplicitStreamSubscription(OrderStreams.AllOrders)]
public sealed class OrderBoardGrain(
    [PersistentState("order-board")] IPersistentState<OrderBoardState> board,
    IOptions<KitchenOptions> kitchen,
    TimeProvider time)
    : Grain, IOrderBoardGrain, IStreamSubscriptionObserver, IAsyncObserver<OrderView>
{
    /// <summary>How long delivered and cancelled orders stay on the board, and at most how many.</summary>
    public static readonly TimeSpan FinishedRetention = TimeSpan.FromDays(1);

    public const int MaxFinished = 1000;

    private readonly WriteBehind _writeBehind = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind.Start(this, () =>
        {
            ForgetFinished();
            return board.WriteStateAsync();
        });
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await _writeBehind.FlushAsync();

    public Task<OrderBoardPage> GetAsync(OrderStatus? status, int page, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var entries = board.State.Orders.Values;
        var matching = entries.Where(entry => status is null || entry.Status == status).OrderBy(entry => entry.PlacedAt).ThenBy(entry => entry.Number).ToList();
        var counts = entries.GroupBy(entry => entry.Status).ToImmutableDictionary(group => group.Key, group => group.Count());
        return Task.FromResult(new OrderBoardPage([.. matching.Skip((page - 1) * pageSize).Take(pageSize)], matching.Count, counts));
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderView>().ResumeAsync(this, board.State.ResumeAfter?.ToToken());

    public async Task OnNextAsync(OrderView order, StreamSequenceToken? token = null)
    {
        var sequence = order.StatusHistory[^1].Sequence;
        board.State.ResumeAfter = StreamResumePoint.After(token, board.State.ResumeAfter);
        if (board.State.Orders.TryGetValue(order.Id, out var known) && known.Sequence >= sequence)
        {
            return;
        }

        board.State.Orders[order.Id] = new OrderBoardEntry(
            order.Id,
            order.Number,
            order.CustomerId,
            order.Status,
            sequence,
            order.Times.PlacedAt,
            order.StatusHistory[^1].At,
            order.Delivery.Method,
            order.Delivery.Address,
            order.PaymentType,
            order.Lines.Sum(line => line.Quantity),
            order.TotalPrice,
            order.Currency,
            order.Times.ExpectedCookingEndAt,
            order.Times.ExpectedDeliveryAt);
        _writeBehind.MarkDirty();

        if (order.Status == OrderStatus.Confirmed && kitchen.Value.Simulate)
        {
            await GrainFactory.GetGrain<IKitchenSimulatorGrain>(order.Id).StartAsync();
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private void ForgetFinished()
    {
        var cutoff = time.GetUtcNow() - FinishedRetention;
        var finished = board.State.Orders.Values
            .Where(entry => entry.Status is OrderStatus.Delivered or OrderStatus.Cancelled)
            .OrderByDescending(entry => entry.UpdatedAt)
            .ToList();
        foreach (var old in finished.Where((entry, newest) => newest >= MaxFinished || entry.UpdatedAt < cutoff))
        {
            board.State.Orders.Remove(old.OrderId);
        }
    }
}
