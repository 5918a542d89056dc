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
    /// <summary>The inbox, oldest first, at most <see cref="INotificationsGrain.Kept"/>.</summary>
    [Id(0)]
    public List<Notification> Items { get; init; } = [];

    /// <summary>The last status-history sequence handled per order, so a repeated or late event adds nothing.</summary>
    [Id(1)]
    public Dictionary<Guid, long> HandledSequences { get; init; } = [];
}

/// <summary>
/// The single writer of one customer's inbox: a projection of the customer's order stream (an implicit subscription,
/// so every order event activates it) plus what other features add. The inbox is the record and is always kept;
/// emails go through the recipient's outbox only when the customer wants them (or for account emails).
/// </summary>
[ImplicitStreamSubscription(OrderGrain.CustomerOrdersStreamNamespace)]
public sealed class NotificationsGrain([PersistentState("notifications")] IPersistentState<NotificationsState> inbox)
    : Grain, INotificationsGrain, IStreamSubscriptionObserver, IAsyncObserver<OrderView>
{
    public Task<NotificationInbox> GetAsync()
    {
        var items = inbox.State.Items;
        return Task.FromResult(new NotificationInbox([.. items.AsEnumerable().Reverse()], items.Count(n => !n.Read)));
    }

    public async Task AddAsync(Notification notification, NotificationEmail email)
    {
        ArgumentNullException.ThrowIfNull(notification);
        if (inbox.State.Items.Any(n => n.Id == notification.Id))
        {
            return;
        }

        await RecordAsync([notification], email, inbox.State.HandledSequences);
    }

    public async Task<bool> MarkReadAsync(Guid notificationId)
    {
        var index = inbox.State.Items.FindIndex(n => n.Id == notificationId);
        if (index < 0)
        {
            return false;
        }

        if (!inbox.State.Items[index].Read)
        {
            var items = new List<Notification>(inbox.State.Items);
            items[index] = items[index] with { Read = true };
            inbox.State = inbox.State with { Items = items };
            await inbox.WriteStateAsync();
        }

        return true;
    }

    public async Task MarkAllReadAsync()
    {
        if (inbox.State.Items.Any(n => !n.Read))
        {
            inbox.State = inbox.State with { Items = [.. inbox.State.Items.Select(n => n with { Read = true })] };
            await inbox.WriteStateAsync();
        }
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderView>().ResumeAsync(this);

    public async Task OnNextAsync(OrderView item, StreamSequenceToken? token = null)
    {
        // An event carries the whole history, so one that arrives twice, late, or after a missed one is handled by
        // what its sequences add to what this inbox has already seen of the order.
        var handled = inbox.State.HandledSequences.GetValueOrDefault(item.Id);
        var fresh = item.StatusHistory.Where(change => change.Sequence > handled).OrderBy(change => change.Sequence).ToList();
        if (fresh.Count == 0)
        {
            return;
        }

        var notifications = fresh.Select(change => OrderNotifications.For(item, change)).OfType<Notification>().ToList();
        var sequences = new Dictionary<Guid, long>(inbox.State.HandledSequences) { [item.Id] = fresh[^1].Sequence };
        await RecordAsync(notifications, NotificationEmail.AsPreferred, sequences);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    /// <summary>
    /// Queues the emails first, then writes the inbox, then publishes: a failure before the write makes the event come
    /// again, and the outbox drops an email id it has seen, so nothing is lost and nothing is sent twice.
    /// </summary>
    private async Task RecordAsync(IReadOnlyList<Notification> notifications, NotificationEmail email, Dictionary<Guid, long> sequences)
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

        inbox.State = inbox.State with
        {
            Items = [.. inbox.State.Items.Concat(notifications).TakeLast(INotificationsGrain.Kept)],
            HandledSequences = sequences,
        };
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
