using Microsoft.AspNetCore.SignalR;
using Orleans.Streams;
using OrleansDelivery.Notifications;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Host.Tracking;

/// <summary>
/// This node's bridge from each connected customer's notification stream to their hub connections: one stream
/// subscription per customer with at least one connection here, ended with their last connection.
/// </summary>
public sealed partial class NotificationRelay(
    IClusterClient cluster, IHubContext<OrderTrackingHub, IOrderTrackingClient> hub, ILogger<NotificationRelay> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, (StreamSubscriptionHandle<Notification> Handle, HashSet<string> Connections)> _customers = [];

    /// <summary>How many customers' notification streams this node is subscribed to now.</summary>
    public int Subscriptions
    {
        get
        {
            lock (_customers)
            {
                return _customers.Count;
            }
        }
    }

    public async Task ConnectAsync(string connectionId, Guid customerId)
    {
        await _gate.WaitAsync();
        try
        {
            if (!_customers.TryGetValue(customerId, out var watched))
            {
                var stream = cluster.GetStreamProvider(StreamProviders.Events)
                    .GetStream<Notification>(StreamId.Create(NotificationStreams.CustomerNotifications, customerId));
                var handle = await stream.SubscribeAsync((notification, _) => ForwardAsync(customerId, notification));
                watched = (handle, []);
                lock (_customers)
                {
                    _customers[customerId] = watched;
                }
            }

            lock (_customers)
            {
                watched.Connections.Add(connectionId);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisconnectAsync(string connectionId, Guid customerId)
    {
        await _gate.WaitAsync();
        try
        {
            StreamSubscriptionHandle<Notification>? unwatched = null;
            lock (_customers)
            {
                if (_customers.TryGetValue(customerId, out var watched) && watched.Connections.Remove(connectionId) && watched.Connections.Count == 0)
                {
                    _customers.Remove(customerId);
                    unwatched = watched.Handle;
                }
            }

            if (unwatched is not null)
            {
                await unwatched.UnsubscribeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ForwardAsync(Guid customerId, Notification notification)
    {
        string[] connections;
        lock (_customers)
        {
            connections = _customers.TryGetValue(customerId, out var watched) ? [.. watched.Connections] : [];
        }

        try
        {
            await hub.Clients.Clients(connections).Notification(new NotificationMessage(notification.Id, notification.Title, notification.Body, notification.At));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSendFailed(logger, customerId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not push a notification to customer {CustomerId}")]
    private static partial void LogSendFailed(ILogger logger, Guid customerId, Exception exception);
}
