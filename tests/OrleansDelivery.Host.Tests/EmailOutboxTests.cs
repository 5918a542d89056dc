using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Host.Notifications;
using OrleansDelivery.Notifications;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>Emails leaving through a real SMTP conversation, surviving a server that refuses at first, and bad settings stopping start-up.</summary>
public sealed class EmailOutboxTests
{
    private static DeliveryApplication SendingThrough(SmtpTestServer smtp) => DeliveryApplication.With(new Dictionary<string, string?>
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Email:Smtp:From"] = "OrleansDelivery <no-reply@orleans-delivery.example>",
        ["Email:Outbox:RetryDelay"] = "00:00:00.200",
        ["Email:Outbox:MaxRetryDelay"] = "00:00:01",
    });

    [Fact]
    public async Task With_an_smtp_server_configured_the_sign_up_code_arrives_there()
    {
        await using var smtp = new SmtpTestServer();
        await using var app = SendingThrough(smtp);

        var customer = await app.SignUpAsync();

        var message = Assert.Single(await Wait.UntilAsync(
            () => Task.FromResult(smtp.Received.ToList()), received => received.Count > 0, TimeSpan.FromSeconds(30), "the sign-up email"));
        Assert.Equal(customer.Email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("no-reply@orleans-delivery.example", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("Your OrleansDelivery verification code", message.Subject);
        Assert.Matches(@"\b\d{6}\b", message.TextBody);
    }

    [Fact]
    public async Task An_email_the_server_refuses_at_first_is_retried_and_arrives_once()
    {
        await using var smtp = new SmtpTestServer(refuseFirst: 2);
        await using var app = SendingThrough(smtp);

        var customer = await app.SignUpAsync();
        var outbox = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(customer.Email));
        await Wait.UntilAsync(() => outbox.GetQueueAsync(), queue => queue.IsEmpty, TimeSpan.FromSeconds(30), "the outbox to empty");

        var message = Assert.Single(smtp.Received);
        Assert.Equal(customer.Email, Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("Your OrleansDelivery verification code", message.Subject);
        Assert.Equal(2, smtp.Refused);
    }

    [Fact]
    public async Task While_the_server_refuses_the_email_stays_queued_with_its_error()
    {
        await using var smtp = new SmtpTestServer(refuseFirst: int.MaxValue);
        await using var app = DeliveryApplication.With(new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "127.0.0.1",
            ["Email:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Email:Smtp:From"] = "no-reply@orleans-delivery.example",
            ["Email:Outbox:RetryDelay"] = "00:00:00.050",
            ["Email:Outbox:MaxRetryDelay"] = "00:00:00.100",
        });

        var customer = await app.SignUpAsync();
        var outbox = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(customer.Email));
        var queue = await Wait.UntilAsync(() => outbox.GetQueueAsync(), q => q.Length == 1 && q[0].Attempts >= 3, TimeSpan.FromSeconds(30), "three failed tries");

        Assert.Empty(smtp.Received);
        Assert.Contains("Try again later", queue[0].LastError, StringComparison.Ordinal);
        Assert.Equal(customer.Email, queue[0].Email.To);
    }

    public static TheoryData<string, string, string> InvalidSettings => new()
    {
        { "Email:Smtp:Port", "0", "from 1 to 65535" },
        { "Email:Smtp:UseSsl", "maybe", "true or false" },
        { "Email:Smtp:From", "not an address", "such as OrleansDelivery <no-reply@example.com>" },
        { "Email:Smtp:Timeout", "00:05:00", "duration" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void An_invalid_smtp_setting_stops_startup_naming_it(string key, string value, string hint)
    {
        var settings = new Dictionary<string, string?> { ["Email:Smtp:Host"] = "smtp.example.com", ["Email:Smtp:From"] = "no-reply@example.com", [key] = value };

        var error = Assert.Throws<InvalidOperationException>(() => EmailSettings.ReadSmtp(Configuration(settings)));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Smtp_settings_that_contradict_each_other_or_miss_a_part_stop_startup_naming_the_key()
    {
        var both = Assert.Throws<InvalidOperationException>(() => EmailSettings.ReadSmtp(Configuration(new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "smtp.example.com", ["Email:Smtp:From"] = "no-reply@example.com", ["Email:Smtp:UseSsl"] = "true", ["Email:Smtp:StartTls"] = "true",
        })));
        var noFrom = Assert.Throws<InvalidOperationException>(() => EmailSettings.ReadSmtp(Configuration(new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "smtp.example.com",
        })));
        var passwordAlone = Assert.Throws<InvalidOperationException>(() => EmailSettings.ReadSmtp(Configuration(new Dictionary<string, string?>
        {
            ["Email:Smtp:Host"] = "smtp.example.com", ["Email:Smtp:From"] = "no-reply@example.com", ["Email:Smtp:Password"] = "secret",
        })));

        Assert.Contains("'Email:Smtp:StartTls'", both.Message, StringComparison.Ordinal);
        Assert.Contains("'Email:Smtp:From'", noFrom.Message, StringComparison.Ordinal);
        Assert.Contains("'Email:Smtp:User'", passwordAlone.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", passwordAlone.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_with_a_bad_smtp_setting_does_not_start()
    {
        using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Email:Smtp:Host"] = "smtp.example.com", ["Email:Smtp:Port"] = "99999", ["Email:Smtp:From"] = "no-reply@example.com" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("'Email:Smtp:Port'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_smtp_host_emails_go_to_the_development_mailbox_with_default_retries()
    {
        var configuration = Configuration(new Dictionary<string, string?> { ["Email:Smtp:Port"] = "25" });

        Assert.Null(EmailSettings.ReadSmtp(configuration));
        var outbox = EmailSettings.ReadOutbox(configuration);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(30)), (outbox.RetryDelay, outbox.MaxRetryDelay));
    }

    private static IConfiguration Configuration(IReadOnlyDictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
