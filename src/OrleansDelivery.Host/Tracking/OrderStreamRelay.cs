using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using OrleansDelivery.Grains.Orders;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Host.Tracking;

/// <summary>
/// This node's bridge from the order streams to its hub connections: one stream subscription per watched order,
/// shared by every connection of this node watching it, dropped with the last one. Each connection gets each
/// order's steps once and in sequence: a step at or below what it was last sent is skipped, and a step it missed
/// (an event lost or overtaken) is filled in from the full history every event carries.
/// </summary>
public sealed partial class OrderStreamRelay(
    IClusterClient cluster, IHubContext<OrderTrackingHub, IOrderTrackingClient> hub, ILogger<OrderStreamRelay> logger)
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
                watched.Handle = await StreamOf(current.Id).SubscribeAsync((order, _) => ForwardAsync(order));
                lock (_orders)
                {
                    _orders[current.Id] = watched;
                }
            }

            var missed = current.After(afterSequence);
            lock (watched)
            {
                watched.LastSent[connectionId] = Math.Max(afterSequence, missed.Count > 0 ? missed[^1].Sequence : afterSequence);
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

    private sealed class Watched(Guid orderId)
    {
        public Guid OrderId { get; } = orderId;

        public StreamSubscriptionHandle<OrderView>? Handle { get; set; }

        /// <summary>Per connection, the highest sequence it was sent.</summary>
        public Dictionary<string, long> LastSent { get; } = [];
    }
}
