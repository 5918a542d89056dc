using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansDelivery.Grains.Operations;
using OrleansDelivery.Grains.Orders;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Host.Tracking;

/// <summary>
/// This node's bridge from the order streams to its hub connections: one stream subscription per watched order,
/// shared by every connection of this node watching it, dropped with the last one. Each connection gets each
/// order's steps once and in sequence: a step at or below what it was last sent is skipped, and a step it missed
/// (an event lost or overtaken) is filled in from the full history every event carries.
/// <para>
/// A stream can still miss an order's next steps: after a node restarts or dies, a subscription can stay attached to
/// nothing (issue 9's known limit). So every <see cref="TrackingOptions.CatchUpPeriod"/> the relay reads each watched,
/// unfinished order from its grain; steps the stream had not brought in time go out from there, and the order's
/// subscription is made again, so the stream's current reader picks it up.
/// </para>
/// </summary>
public sealed partial class OrderStreamRelay(
    IClusterClient cluster,
    IHubContext<OrderTrackingHub, IOrderTrackingClient> hub,
    IOptions<TrackingOptions> options,
    DeliveryMetrics metrics,
    TimeProvider time,
    ILogger<OrderStreamRelay> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, Watched> _orders = [];
    private readonly ConcurrentDictionary<string, HashSet<Guid>> _connections = new();

    /// <summary>How many order streams this node is subscribed to now.</summary>
    public int Subscriptions
    {
        get
        {
            lock (_orders)
            {
                return _orders.Count;
            }
        }
    }

    /// <summary>
    /// Starts sending <paramref name="connectionId"/> the order's steps after <paramref name="afterSequence"/>; returns
    /// the ones that already happened, which the caller hands to the client first.
    /// </summary>
    public async Task<IReadOnlyList<OrderUpdate>> WatchAsync(string connectionId, OrderView current, long afterSequence)
    {
        await _gate.WaitAsync();
        try
        {
            Watched watched;
            lock (_orders)
            {
                _orders.TryGetValue(current.Id, out watched!);
            }

            if (watched is null)
            {
                // Subscribe before reading what was missed, so nothing falls between the two.
                watched = new Watched(current.Id);
                watched.Handle = await SubscribeAsync(current.Id);
                lock (_orders)
                {
                    _orders[current.Id] = watched;
                }
            }

            var missed = current.After(afterSequence);
            lock (watched)
            {
                watched.LastSent[connectionId] = Math.Max(afterSequence, missed.Count > 0 ? missed[^1].Sequence : afterSequence);
                watched.Seen(current);
            }

            _connections.GetOrAdd(connectionId, _ => []).Add(current.Id);
            return missed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops everything a connection watched; the last watcher of an order ends its stream subscription.</summary>
    public async Task ForgetAsync(string connectionId)
    {
        if (!_connections.TryRemove(connectionId, out var orderIds))
        {
            return;
        }

        await _gate.WaitAsync();
        try
        {
            foreach (var orderId in orderIds)
            {
                Watched? watched;
                lock (_orders)
                {
                    _orders.TryGetValue(orderId, out watched);
                }

                if (watched is null)
                {
                    continue;
                }

                bool unwatched;
                lock (watched)
                {
                    watched.LastSent.Remove(connectionId);
                    unwatched = watched.LastSent.Count == 0;
                }

                if (unwatched)
                {
                    lock (_orders)
                    {
                        _orders.Remove(orderId);
                    }

                    await watched.Handle!.UnsubscribeAsync();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How many watched orders a catch-up found behind their stream, since this node started.</summary>
    public int CaughtUp => _caughtUp;

    private int _caughtUp;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CatchUpPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CatchUpAsync(stoppingToken);
        }
    }

    /// <summary>
    /// Reads every watched order that is not finished (or that a connection lacks steps of) from its grain and sends
    /// each connection the steps older than the catch-up period that it was not sent. When the stream had not brought
    /// them either, the order's subscription is made again.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        List<Watched> unfinished;
        lock (_orders)
        {
            unfinished = [.. _orders.Values.Where(watched => watched.MayBeBehind)];
        }

        var overdue = time.GetUtcNow() - options.Value.CatchUpPeriod;
        await CatchUpRounds.RunAsync(
            unfinished,
            watched => CatchUpAsync(watched, overdue),
            (watched, exception) => LogCatchUpFailed(logger, watched.OrderId, exception),
            cancellationToken);
    }

    private async Task CatchUpAsync(Watched watched, DateTimeOffset overdue)
    {
        if (await cluster.GetGrain<IOrderGrain>(watched.OrderId).GetAsync() is not { } current)
        {
            return;
        }

        bool streamBehind, connectionBehind;
        lock (watched)
        {
            var due = current.StatusHistory.Where(step => step.At <= overdue).Select(step => step.Sequence).DefaultIfEmpty(0).Max();
            streamBehind = due > watched.StreamSequence;
            // A connection can be behind a stream that is not: one that subscribed with a view read before a step the
            // stream had already brought here (its SubscribeOrder waited its turn meanwhile) was never sent that step.
            connectionBehind = watched.LastSent.Values.Any(sent => sent < due);
        }

        if (!streamBehind && !connectionBehind)
        {
            return;
        }

        Interlocked.Increment(ref _caughtUp);
        metrics.TrackingCaughtUp();
        LogCaughtUp(logger, watched.OrderId, current.StatusHistory[^1].Sequence, streamBehind);
        await ForwardAsync(current);
        if (streamBehind)
        {
            await ResubscribeAsync(watched);
        }
    }

    private async Task ResubscribeAsync(Watched watched)
    {
        await _gate.WaitAsync();
        try
        {
            lock (_orders)
            {
                if (!_orders.TryGetValue(watched.OrderId, out var still) || !ReferenceEquals(still, watched))
                {
                    return;
                }
            }

            watched.Handle = await CatchUpRounds.ReplaceAsync(
                watched.Handle!, () => SubscribeAsync(watched.OrderId), exception => LogUnsubscribeFailed(logger, watched.OrderId, exception));
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<StreamSubscriptionHandle<OrderView>> SubscribeAsync(Guid orderId) =>
        StreamOf(orderId).SubscribeAsync(
            (order, _) => ForwardAsync(order),
            error =>
            {
                // The pulling agent gave up delivering an event (it retries for a minute first): the catch-up sends
                // the step from the order; the log says why it was late.
                LogStreamError(logger, orderId, error);
                return Task.CompletedTask;
            });

    private IAsyncStream<OrderView> StreamOf(Guid orderId) =>
        cluster.GetStreamProvider(StreamProviders.Events).GetStream<OrderView>(StreamId.Create(OrderGrain.OrderStreamNamespace, orderId));

    private async Task ForwardAsync(OrderView order)
    {
        Watched? watched;
        lock (_orders)
        {
            _orders.TryGetValue(order.Id, out watched);
        }

        if (watched is null)
        {
            return;
        }

        var sends = new List<(string ConnectionId, IReadOnlyList<OrderUpdate> Updates)>();
        lock (watched)
        {
            watched.Seen(order);
            foreach (var (connectionId, lastSent) in watched.LastSent)
            {
                var updates = order.After(lastSent);
                if (updates.Count > 0)
                {
                    watched.LastSent[connectionId] = updates[^1].Sequence;
                    sends.Add((connectionId, updates));
                }
            }
        }

        foreach (var (connectionId, updates) in sends)
        {
            try
            {
                var client = hub.Clients.Client(connectionId);
                foreach (var update in updates)
                {
                    await client.OrderUpdated(update);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // One connection going away must not stop the others from getting the step.
                LogSendFailed(logger, order.Id, connectionId, exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send order {OrderId} to connection {ConnectionId}")]
    private static partial void LogSendFailed(ILogger logger, Guid orderId, string connectionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}'s stream reported an error to this node's subscription")]
    private static partial void LogStreamError(ILogger logger, Guid orderId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}'s tracking here lacked steps up to {Sequence}: sent them from the order (stream behind, so subscribed again: {StreamBehind})")]
    private static partial void LogCaughtUp(ILogger logger, Guid orderId, long sequence, bool streamBehind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not catch order {OrderId}'s tracking up; trying next round")]
    private static partial void LogCatchUpFailed(ILogger logger, Guid orderId, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not drop order {OrderId}'s replaced stream subscription")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Guid orderId, Exception exception);

    private sealed class Watched(Guid orderId)
    {
        public Guid OrderId { get; } = orderId;

        public StreamSubscriptionHandle<OrderView>? Handle { get; set; }

        /// <summary>Per connection, the highest sequence it was sent.</summary>
        public Dictionary<string, long> LastSent { get; } = [];

        /// <summary>The newest step this relay has had for the order, from its stream or read when it subscribed.</summary>
        public long StreamSequence { get; private set; }

        /// <summary>Delivered or cancelled: no step follows.</summary>
        public bool Finished { get; private set; }

        /// <summary>
        /// Whether a catch-up should read the order: it is not finished, or a connection has not been sent its last
        /// step yet. A finished order every connection has in full is left alone.
        /// </summary>
        public bool MayBeBehind
        {
            get
            {
                lock (this)
                {
                    return !Finished || LastSent.Values.Any(sent => sent < StreamSequence);
                }
            }
        }

        public void Seen(OrderView order)
        {
            if (order.StatusHistory.Length > 0)
            {
                StreamSequence = Math.Max(StreamSequence, order.StatusHistory[^1].Sequence);
            }

            Finished |= order.Status is OrderStatus.Delivered or OrderStatus.Cancelled;
        }
    }
}
