using OrleansDelivery.Notifications;

namespace OrleansDelivery.Grains.Notifications;

/// <summary>Hands one email to whatever delivers mail. A failure throws; the outbox keeps the email and tries again.</summary>
public interface IEmailSender
{
    Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken);
}
