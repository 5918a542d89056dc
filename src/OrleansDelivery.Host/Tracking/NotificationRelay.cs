using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansDelivery.Grains.Operations;
using OrleansDelivery.Notifications;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Host.Tracking;

/// <summary>
/// This node's bridge from each connected customer's notification stream to their hub connections: one stream
/// subscription per customer with at least one connection here, ended with their last connection. Each notification
/// goes out once: the relay remembers which ones the customer's connections here have had.
/// <para>
/// Like an order's stream, a customer's can stop bringing anything after a node restarts or dies (see
/// <see cref="OrderStreamRelay"/>). So every <see cref="TrackingOptions.CatchUpPeriod"/> the relay reads each
/// connected customer's inbox; a notification older than that period which their connections never had goes out
/// from there, and the customer's subscription is made again.
/// </para>
/// </summary>
public sealed partial class NotificationRelay(
    IClusterClient cluster,
    IHubContext<OrderTrackingHub, IOrderTrackingClient> hub,
    IOptions<TrackingOptions> options,
    DeliveryMetrics metrics,
    TimeProvider time,
    ILogger<NotificationRelay> logger) : BackgroundService
{
    // Past this many remembered notifications, the ones the inbox no longer lists are forgotten: they cannot return.
    private const int RememberedKept = 2 * INotificationsGrain.Kept;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<Guid, Watched> _customers = [];
    private int _caughtUp;

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

    /// <summary>How many notifications a catch-up sent because the stream had not, since this node started.</summary>
    public int CaughtUp => _caughtUp;

    public async Task ConnectAsync(string connectionId, Guid customerId)
    {
        await _gate.WaitAsync();
        try
        {
            Watched? watched;
            lock (_customers)
            {
                _customers.TryGetValue(customerId, out watched);
            }

            if (watched is null)
            {
                // Subscribe before reading the inbox, so nothing falls between the two: what the inbox already holds
                // the customer reads there, and a catch-up does not send it. The stream still pushes what it brings,
                // even one the read already saw (it may have been recorded as the customer connected).
                watched = new Watched(customerId);
                watched.Handle = await SubscribeAsync(watched);
                var inbox = await Inbox(customerId).GetAsync();
                lock (watched)
                {
                    watched.HeldAtConnect.UnionWith(inbox.Items.Select(notification => notification.Id));
                }

                lock (_customers)
                {
                    _customers[customerId] = watched;
                }
            }

            lock (watched)
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
            Watched? unwatched = null;
            lock (_customers)
            {
                if (_customers.TryGetValue(customerId, out var watched))
                {
                    lock (watched)
                    {
                        if (watched.Connections.Remove(connectionId) && watched.Connections.Count == 0)
                        {
                            _customers.Remove(customerId);
                            unwatched = watched;
                        }
                    }
                }
            }

            if (unwatched?.Handle is { } handle)
            {
                await handle.UnsubscribeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CatchUpPeriod, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CatchUpAsync(stoppingToken);
        }
    }

    /// <summary>
    /// Reads every connected customer's inbox and sends the notifications older than the catch-up period that their
    /// connections here never had; such a customer's subscription is made again.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        List<Watched> connected;
        lock (_customers)
        {
            connected = [.. _customers.Values];
        }

        var overdue = time.GetUtcNow() - options.Value.CatchUpPeriod;
        await CatchUpRounds.RunAsync(
            connected,
            watched => CatchUpAsync(watched, overdue),
            (watched, exception) => LogCatchUpFailed(logger, watched.CustomerId, exception),
            cancellationToken);
    }

    private async Task CatchUpAsync(Watched watched, DateTimeOffset overdue)
    {
        var inbox = await Inbox(watched.CustomerId).GetAsync();
        List<Notification> missed;
        lock (watched)
        {
            // Newest first in the inbox; sent oldest first, as they happened.
            missed = [.. inbox.Items.Where(n => n.At <= overdue && !watched.HeldAtConnect.Contains(n.Id) && !watched.Sent.Contains(n.Id)).Reverse()];
            watched.Sent.UnionWith(missed.Select(n => n.Id));
            if (watched.Sent.Count + watched.HeldAtConnect.Count > RememberedKept)
            {
                var listed = inbox.Items.Select(n => n.Id).ToHashSet();
                watched.Sent.IntersectWith(listed);
                watched.HeldAtConnect.IntersectWith(listed);
            }
        }

        if (missed.Count == 0)
        {
            return;
        }

        Interlocked.Add(ref _caughtUp, missed.Count);
        metrics.TrackingCaughtUp();
        LogCaughtUp(logger, watched.CustomerId, missed.Count);
        foreach (var notification in missed)
        {
            await SendAsync(watched, notification);
        }

        await ResubscribeAsync(watched);
    }

    private async Task ResubscribeAsync(Watched watched)
    {
        await _gate.WaitAsync();
        try
        {
            lock (_customers)
            {
                if (!_customers.TryGetValue(watched.CustomerId, out var still) || !ReferenceEquals(still, watched))
                {
                    return;
                }
            }

            watched.Handle = await CatchUpRounds.ReplaceAsync(
                watched.Handle!, () => SubscribeAsync(watched), exception => LogUnsubscribeFailed(logger, watched.CustomerId, exception));
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task<StreamSubscriptionHandle<Notification>> SubscribeAsync(Watched watched) =>
        cluster.GetStreamProvider(StreamProviders.Events)
            .GetStream<Notification>(StreamId.Create(NotificationStreams.CustomerNotifications, watched.CustomerId))
            .SubscribeAsync(
                (notification, _) => ForwardAsync(watched, notification),
                error =>
                {
                    LogStreamError(logger, watched.CustomerId, error);
                    return Task.CompletedTask;
                });

    private INotificationsGrain Inbox(Guid customerId) => cluster.GetGrain<INotificationsGrain>(customerId);

    private async Task ForwardAsync(Watched watched, Notification notification)
    {
        lock (watched)
        {
            if (!watched.Sent.Add(notification.Id))
            {
                return;
            }
        }

        await SendAsync(watched, notification);
    }

    private async Task SendAsync(Watched watched, Notification notification)
    {
        string[] connections;
        lock (watched)
        {
            connections = [.. watched.Connections];
        }

        try
        {
            await hub.Clients.Clients(connections).Notification(new NotificationMessage(notification.Id, notification.Title, notification.Body, notification.At));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogSendFailed(logger, watched.CustomerId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not push a notification to customer {CustomerId}")]
    private static partial void LogSendFailed(ILogger logger, Guid customerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer {CustomerId}'s notification stream reported an error to this node's subscription")]
    private static partial void LogStreamError(ILogger logger, Guid customerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Customer {CustomerId}'s notification stream had not brought {Count} notification(s): sent them from the inbox and subscribed again")]
    private static partial void LogCaughtUp(ILogger logger, Guid customerId, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not catch customer {CustomerId}'s notifications up; trying next round")]
    private static partial void LogCatchUpFailed(ILogger logger, Guid customerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not drop customer {CustomerId}'s replaced notification subscription")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Guid customerId, Exception exception);

    private sealed class Watched(Guid customerId)
    {
        public Guid CustomerId { get; } = customerId;

        public StreamSubscriptionHandle<Notification>? Handle { get; set; }

        public HashSet<string> Connections { get; } = [];

        /// <summary>The notifications the inbox held when the customer first connected here: never caught up.</summary>
        public HashSet<Guid> HeldAtConnect { get; } = [];

        /// <summary>Every notification sent to the customer's connections here: never sent again.</summary>
        public HashSet<Guid> Sent { get; } = [];
    }
}
