using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansDelivery.Grains.Orders;
using OrleansDelivery.Identity;
using OrleansDelivery.Notifications;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Grains.Notifications;

[GenerateSerializer, Alias("od.notifications-state")]
public sealed record NotificationsState
{
    /// <summary>
    /// The newest part of the inbox, oldest first: at most <see cref="NotificationsGrain.RecentMax"/> before the
    /// oldest of them move to the archive. (An inbox written before the archive existed holds all of it here until
    /// its next notification moves the older ones.)
    /// </summary>
    [Id(0)]
    public List<Notification> Items { get; init; } = [];

    /// <summary>
    /// The last status-history sequence handled per order still under way, so a repeated or late event adds nothing.
    /// </summary>
    [Id(1)]
    public Dictionary<Guid, long> HandledSequences { get; init; } = [];

    /// <summary>Orders delivered or cancelled since the last move to the archive, which then keeps them.</summary>
    [Id(2)]
    public List<Guid> FinishedOrders { get; init; } = [];
}

[GenerateSerializer, Alias("od.notifications-archive-state")]
public sealed record NotificationsArchiveState
{
    /// <summary>The older part of the inbox, oldest first, rewritten only when notifications move into it.</summary>
    [Id(0)]
    public List<Notification> Items { get; init; } = [];

    /// <summary>
    /// The latest <see cref="NotificationsGrain.FinishedKept"/> orders delivered or cancelled, oldest first: every step
    /// of theirs is handled, so any event of theirs that comes again adds nothing.
    /// </summary>
    [Id(1)]
    public List<Guid> FinishedOrders { get; init; } = [];
}

/// <summary>
/// The single writer of one customer's inbox: a projection of the customer's order stream (an implicit subscription,
/// so every order event activates it) plus what other features add. The inbox is the record and is always kept;
/// emails go through the recipient's outbox only when the customer wants them (or for account emails).
/// </summary>
/// <remarks>
/// The inbox keeps <see cref="INotificationsGrain.Kept"/> notifications in two states: the recent part, written with
/// every notification, and the archive, written once every <see cref="RecentMax"/> - <see cref="RecentAfterMove"/>
/// notifications. One state of 200 entries (about 40 KB of JSON) rewritten per notification was the largest write of
/// an order in the HTTP benchmark.
/// </remarks>
[ImplicitStreamSubscription(OrderGrain.CustomerOrdersStreamNamespace)]
public sealed class NotificationsGrain(
    [PersistentState("notifications")] IPersistentState<NotificationsState> inbox,
    [PersistentState("notifications-archive")] IPersistentState<NotificationsArchiveState> archive)
    : Grain, INotificationsGrain, IStreamSubscriptionObserver, IAsyncObserver<OrderView>
{
    /// <summary>How many notifications the recent part holds before its oldest move to the archive.</summary>
    public const int RecentMax = 40;

    /// <summary>How many stay in the recent part after a move.</summary>
    public const int RecentAfterMove = 20;

    /// <summary>How many finished orders the archive remembers; far more than a redelivered event can lag behind.</summary>
    public const int FinishedKept = 1000;

    public Task<NotificationInbox> GetAsync()
    {
        var items = Everything().TakeLast(INotificationsGrain.Kept).ToList();
        return Task.FromResult(new NotificationInbox([.. items.AsEnumerable().Reverse()], items.Count(n => !n.Read)));
    }

    public async Task AddAsync(Notification notification, NotificationEmail email)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (Everything().Any(n => n.Id == notification.Id))
        {
            return;
        }

        await RecordAsync([notification], email, inbox.State.HandledSequences, inbox.State.FinishedOrders);
    }

    public async Task<bool> MarkReadAsync(Guid notificationId)
    {
        var recent = MarkRead(inbox.State.Items, n => n.Id == notificationId);
        var archived = MarkRead(archive.State.Items, n => n.Id == notificationId);
        if (archived is not null)
        {
            archive.State = archive.State with { Items = archived };
            await archive.WriteStateAsync();
        }

        if (recent is not null)
        {
            inbox.State = inbox.State with { Items = recent };
            await inbox.WriteStateAsync();
        }

        return Everything().Any(n => n.Id == notificationId);
    }

    public async Task MarkAllReadAsync()
    {
        if (MarkRead(archive.State.Items, _ => true) is { } archived)
        {
            archive.State = archive.State with { Items = archived };
            await archive.WriteStateAsync();
        }

        if (MarkRead(inbox.State.Items, _ => true) is { } recent)
        {
            inbox.State = inbox.State with { Items = recent };
            await inbox.WriteStateAsync();
        }
    }

    /// <summary>The whole inbox, oldest first; a notification in both parts (a move cut off halfway) shows once.</summary>
    private IEnumerable<Notification> Everything()
    {
        var recentIds = inbox.State.Items.Select(n => n.Id).ToHashSet();
        return archive.State.Items.Where(n => !recentIds.Contains(n.Id)).Concat(inbox.State.Items);
    }

    /// <summary>The list with the matching unread notifications read, or null when none of them was unread.</summary>
    private static List<Notification>? MarkRead(List<Notification> items, Func<Notification, bool> matches) =>
        items.Any(n => !n.Read && matches(n)) ? [.. items.Select(n => !n.Read && matches(n) ? n with { Read = true } : n)] : null;

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderView>().ResumeAsync(this);

    public async Task OnNextAsync(OrderView item, StreamSequenceToken? token = null)
    {
        // An event carries the whole history, so one that arrives twice, late, or after a missed one is handled by
        // what its sequences add to what this inbox has already seen of the order.
        if (inbox.State.FinishedOrders.Contains(item.Id) || archive.State.FinishedOrders.Contains(item.Id))
        {
            return;
        }

        var handled = inbox.State.HandledSequences.GetValueOrDefault(item.Id);
        var fresh = item.StatusHistory.Where(change => change.Sequence > handled).OrderBy(change => change.Sequence).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        var notifications = fresh.Select(change => OrderNotifications.For(item, change)).OfType<Notification>().ToList();
        var sequences = new Dictionary<Guid, long>(inbox.State.HandledSequences) { [item.Id] = fresh[^1].Sequence };
        var finished = inbox.State.FinishedOrders;
        if (item.Status is OrderStatus.Delivered or OrderStatus.Cancelled)
        {
            // Nothing follows these: the order leaves the per-order sequences, which would otherwise grow with every
            // order the customer ever placed.
            sequences.Remove(item.Id);
            finished = [.. finished, item.Id];
        }

        await RecordAsync(notifications, NotificationEmail.AsPreferred, sequences, finished);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    /// <summary>
    /// Queues the emails first, then writes the inbox, then publishes: a failure before the write makes the event come
    /// again, and the outbox drops an email id it has seen, so nothing is lost and nothing is sent twice.
    /// </summary>
    private async Task RecordAsync(IReadOnlyList<Notification> notifications, NotificationEmail email, Dictionary<Guid, long> sequences, List<Guid> finished)
    {
        var customer = GrainFactory.GetGrain<ICustomerGrain>(this.GetPrimaryKey());
        var profile = notifications.Count > 0 ? await customer.GetProfileAsync() : null;
        var settings = profile is null ? null : await customer.GetSettingsAsync();
        var always = email == NotificationEmail.Always;
        if (profile is not null && (always || settings is { NotificationsEnabled: true, PreferredChannel: NotificationChannel.Email }))
        {
            var outbox = GrainFactory.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(profile.Email));
            foreach (var notification in notifications)
            {
                await outbox.EnqueueAsync(new OutgoingEmail(
                    notification.Id, profile.Email, notification.Title, $"Hello {profile.FirstName},\n\n{notification.Body}\n\nOrleansDelivery"));
            }
        }

        List<Notification> recent = [.. inbox.State.Items, .. notifications];
        if (recent.Count > RecentMax)
        {
            // The archive is written before the recent part lets go of what moved: a failure in between leaves those
            // notifications in both for a while (reads show them once), never in neither.
            var moving = recent.Take(recent.Count - RecentAfterMove).ToList();
            var movingIds = moving.Select(n => n.Id).ToHashSet();
            archive.State = archive.State with
            {
                Items = [.. archive.State.Items.Where(n => !movingIds.Contains(n.Id)).Concat(moving).TakeLast(INotificationsGrain.Kept - RecentAfterMove)],
                FinishedOrders = [.. archive.State.FinishedOrders.Except(finished).Concat(finished).TakeLast(FinishedKept)],
            };
            await archive.WriteStateAsync();
            recent = recent[^RecentAfterMove..];
            finished = [];
        }

        inbox.State = inbox.State with { Items = recent, HandledSequences = sequences, FinishedOrders = finished };
        await inbox.WriteStateAsync();

        // Live push is for a customer who wants notifications; with them off the inbox still keeps the record.
        if (profile is not null && (always || settings is { NotificationsEnabled: true }))
        {
            var stream = this.GetStreamProvider(StreamProviders.Events)
                .GetStream<Notification>(StreamId.Create(NotificationStreams.CustomerNotifications, this.GetPrimaryKey()));
            foreach (var notification in notifications)
            {
                await stream.OnNextAsync(notification);
            }
        }
    }
}
