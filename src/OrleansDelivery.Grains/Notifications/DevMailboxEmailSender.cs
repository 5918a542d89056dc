using OrleansDelivery.Identity;
using OrleansDelivery.Notifications;

namespace OrleansDelivery.Grains.Notifications;

/// <summary>Without an SMTP server, "sends" to the development mailbox that <c>GET /api/dev/mailbox</c> reads.</summary>
public sealed class DevMailboxEmailSender(IGrainFactory grains, TimeProvider time) : IEmailSender
{
    public Task SendAsync(OutgoingEmail email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        return grains.GetGrain<IMailboxGrain>(EmailOutbox.KeyOf(email.To))
            .DeliverAsync(new Email(email.To, email.Subject, email.Body, time.GetUtcNow()));
    }
}
