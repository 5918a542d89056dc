using OrleansDelivery.Notifications;

namespace OrleansDelivery.Host.Notifications;

public sealed record NotificationResponse(Guid Id, NotificationKind Kind, string Title, string Body, Guid? OrderId, DateTimeOffset At, bool Read);

/// <summary>A page of the inbox, and how many notifications are unread in all.</summary>
public sealed record NotificationPageResponse(IReadOnlyList<NotificationResponse> Items, int Total, int Unread);

internal static class NotificationMapping
{
    public static NotificationResponse ToResponse(this Notification notification) =>
        new(notification.Id, notification.Kind, notification.Title, notification.Body, notification.OrderId, notification.At, notification.Read);
}
