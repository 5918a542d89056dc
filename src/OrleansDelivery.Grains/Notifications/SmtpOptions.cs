namespace OrleansDelivery.Grains.Notifications;

/// <summary>Where <see cref="SmtpEmailSender"/> hands emails over (configuration section <c>Email:Smtp</c>).</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 587;

    /// <summary>TLS from the first byte (usually port 465).</summary>
    public bool UseSsl { get; set; }

    /// <summary>
    /// Insist on STARTTLS. With neither this nor <see cref="UseSsl"/>, STARTTLS is used when the server offers it.
    /// </summary>
    public bool StartTls { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, such as "OrleansDelivery &lt;no-reply@example.com&gt;".</summary>
    public string From { get; set; } = "";

    /// <summary>
    /// How long one send may take. It stays well under the grain call timeout, as the outbox waits for the send in turn.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
