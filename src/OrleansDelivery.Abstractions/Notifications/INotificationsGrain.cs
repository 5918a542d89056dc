namespace OrleansDelivery.Notifications;

/// <summary>
/// One customer's inbox (key: the customer's id): fed by the customer's order events and by other features
/// (selling), it keeps the newest 200 notifications, emails them as the customer prefers, and publishes each new one
/// on <see cref="NotificationStreams.CustomerNotifications"/> for live push.
/// </summary>
public interface INotificationsGrain : IGrainWithGuidKey
{
    const int Kept = 200;

    /// <summary>The inbox, newest first.</summary>
    [ReadOnly]
    Task<NotificationInbox> GetAsync();

    /// <summary>Records a notification; one with an id the inbox has seen changes nothing.</summary>
    Task AddAsync(Notification notification, NotificationEmail email);

    /// <summary>False when the inbox has no such notification.</summary>
    Task<bool> MarkReadAsync(Guid notificationId);

    Task MarkAllReadAsync();
}
