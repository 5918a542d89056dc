using Microsoft.Extensions.Options;
using OrleansDelivery.Grains.Notifications;

namespace OrleansDelivery.Host.Notifications;

public static class EmailHostingExtensions
{
    /// <summary>The email sender the outboxes use (SMTP when configured, the development mailbox otherwise) and their retry policy.</summary>
    public static WebApplicationBuilder AddOrleansDeliveryEmail(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(Options.Create(EmailSettings.ReadOutbox(builder.Configuration)));
        if (EmailSettings.ReadSmtp(builder.Configuration) is { } smtp)
        {
            builder.Services.AddSingleton(Options.Create(smtp));
            builder.Services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }
        else
        {
            builder.Services.AddSingleton<IEmailSender, DevMailboxEmailSender>();
        }

        return builder;
    }
}
