using MimeKit;
using OrleansDelivery.Grains.Notifications;
using OrleansDelivery.Host.Cluster;

namespace OrleansDelivery.Host.Notifications;

/// <summary>
/// The <c>Email</c> section, read and checked before anything starts: an SMTP server when <c>Email:Smtp:Host</c> is
/// set, the development mailbox otherwise, and how the outbox retries. A bad value stops start-up naming its key.
/// </summary>
public static class EmailSettings
{
    public const string SectionName = "Email";

    /// <summary>The SMTP server to send through, or null to deliver to the development mailbox.</summary>
    public static SmtpOptions? ReadSmtp(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection($"{SectionName}:Smtp");
        if (string.IsNullOrWhiteSpace(section["Host"]))
        {
            return null;
        }

        var useSsl = ClusterSettings.ReadBool(section, "UseSsl", false);
        var startTls = ClusterSettings.ReadBool(section, "StartTls", false);
        if (useSsl && startTls)
        {
            throw ClusterSettings.Invalid(section, "StartTls", section["StartTls"]!, $"a connection uses TLS from the start ({section.Path}:UseSsl) or STARTTLS, not both");
        }

        var user = section["User"];
        var password = section["Password"];
        if (string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException($"Configuration setting '{section.Path}:User' is missing: {section.Path}:Password is set, so give the user it belongs to.");
        }

        var from = section["From"];
        if (string.IsNullOrWhiteSpace(from))
        {
            throw new InvalidOperationException($"Configuration setting '{section.Path}:From' is missing: give the sender address, such as OrleansDelivery <no-reply@example.com>.");
        }

        if (!MailboxAddress.TryParse(from, out var sender) || !sender.Address.Contains('@', StringComparison.Ordinal))
        {
            throw ClusterSettings.Invalid(section, "From", from, "use an address such as OrleansDelivery <no-reply@example.com>");
        }

        return new SmtpOptions
        {
            Host = section["Host"]!.Trim(),
            Port = ClusterSettings.ReadInt(section, "Port", useSsl ? 465 : 587, 1, 65535),
            UseSsl = useSsl,
            StartTls = startTls,
            User = string.IsNullOrEmpty(user) ? null : user,
            Password = password,
            From = from.Trim(),
            // Under the 30 s grain call timeout: the outbox waits for a send in its turn.
            Timeout = ClusterSettings.ReadDuration(section, "Timeout", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(25)),
        };
    }

    public static EmailOutboxOptions ReadOutbox(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection($"{SectionName}:Outbox");
        var defaults = new EmailOutboxOptions();
        var retryDelay = ClusterSettings.ReadDuration(section, "RetryDelay", defaults.RetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
        var maxRetryDelay = ClusterSettings.ReadDuration(section, "MaxRetryDelay", defaults.MaxRetryDelay, TimeSpan.FromMilliseconds(10), TimeSpan.FromDays(1));
        if (maxRetryDelay < retryDelay)
        {
            throw ClusterSettings.Invalid(section, "MaxRetryDelay", section["MaxRetryDelay"] ?? maxRetryDelay.ToString("c"), $"it must be at least {section.Path}:RetryDelay");
        }

        return new EmailOutboxOptions
        {
            RetryDelay = retryDelay,
            MaxRetryDelay = maxRetryDelay,
            AttemptsBeforeError = ClusterSettings.ReadInt(section, "AttemptsBeforeError", defaults.AttemptsBeforeError, 1, 1000),
        };
    }
}
