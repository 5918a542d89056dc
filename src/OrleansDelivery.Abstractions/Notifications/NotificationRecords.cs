using System.Collections.Immutable;

namespace OrleansDelivery.Notifications;

/// <summary>What a notification is about; a client picks its icon and action by it.</summary>
public enum NotificationKind
{
    OrderPlaced,
    PaymentRequested,
    PaymentConfirmed,
    PaymentFailed,
    Cooking,
    ReadyForDelivery,
    OutForDelivery,

    /// <summary>The order arrived; the notification also asks the customer to rate it.</summary>
    Delivered,
    Cancelled,
    ListingCreated,
}

/// <summary>Whether a notification is also emailed as the customer prefers, or always (account emails).</summary>
public enum NotificationEmail
{
    AsPreferred,
    Always,
}

/// <summary>One entry of a customer's inbox.</summary>
[GenerateSerializer, Immutable, Alias("od.notification")]
public sealed record Notification(
    [property: Id(0)] Guid Id,
    [property: Id(1)] NotificationKind Kind,
    [property: Id(2)] string Title,
    [property: Id(3)] string Body,
    [property: Id(4)] Guid? OrderId,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] bool Read);

/// <summary>A customer's inbox, newest first, and how many of its notifications are unread.</summary>
[GenerateSerializer, Immutable, Alias("od.notification-inbox")]
public sealed record NotificationInbox(
    [property: Id(0)] ImmutableArray<Notification> Items,
    [property: Id(1)] int Unread);

/// <summary>An email waiting in an outbox; its id makes enqueueing it twice harmless.</summary>
[GenerateSerializer, Immutable, Alias("od.outgoing-email")]
public sealed record OutgoingEmail(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string To,
    [property: Id(2)] string Subject,
    [property: Id(3)] string Body);

/// <summary>An email still in the outbox: how often sending it failed, when it is tried next, and why it failed last.</summary>
[GenerateSerializer, Immutable, Alias("od.queued-email")]
public sealed record QueuedEmail(
    [property: Id(0)] OutgoingEmail Email,
    [property: Id(1)] DateTimeOffset QueuedAt,
    [property: Id(2)] int Attempts,
    [property: Id(3)] DateTimeOffset NextAttemptAt,
    [property: Id(4)] string? LastError);
