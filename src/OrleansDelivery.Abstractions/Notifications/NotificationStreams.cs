namespace OrleansDelivery.Notifications;

/// <summary>Where notifications are published as they are recorded, for live push (keyed by the customer's id).</summary>
public static class NotificationStreams
{
    /// <summary>The stream namespace of a customer's new notifications; the stream key is the customer's id.</summary>
    public const string CustomerNotifications = "customer-notifications";
}
