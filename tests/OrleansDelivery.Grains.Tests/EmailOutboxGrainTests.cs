using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Notifications;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class EmailOutboxGrainTests(ClusterFixture fixture)
{
    private static string NewAddress() => $"{ClusterFixture.NewKey()}@example.com";

    private static OutgoingEmail NewEmail(string to, string subject = "Hello") => new(Guid.NewGuid(), to, subject, "Body");

    [Fact]
    public async Task An_email_is_sent_at_once_and_leaves_the_queue()
    {
        var to = NewAddress();
        var outbox = fixture.Grains.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(to));

        await outbox.EnqueueAsync(NewEmail(to));

        Assert.Single(fixture.Emails.SentTo(to));
        Assert.Empty(await outbox.GetQueueAsync());
    }

    [Fact]
    public async Task A_refused_email_stays_queued_with_its_error_then_is_retried_until_sent_once()
    {
        var to = NewAddress();
        // Refused until the queue has been read: the retry timer (50 ms here) may already have tried again by then.
        fixture.Emails.Refuse(to, int.MaxValue);
        var outbox = fixture.Grains.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(to));
        var email = NewEmail(to);

        await outbox.EnqueueAsync(email);
        var queued = Assert.Single(await outbox.GetQueueAsync());
        fixture.Emails.Refuse(to, 0);
        await Wait.UntilAsync(() => outbox.GetQueueAsync(), queue => queue.IsEmpty, TimeSpan.FromSeconds(30), "the outbox to empty");

        Assert.Equal(email, queued.Email);
        Assert.InRange(queued.Attempts, 1, int.MaxValue);
        Assert.Contains("Try again later", queued.LastError, StringComparison.Ordinal);
        Assert.True(queued.NextAttemptAt > queued.QueuedAt);
        Assert.Equal(email.Id, Assert.Single(fixture.Emails.SentTo(to)).Id);
    }

    [Fact]
    public async Task A_failed_email_keeps_a_reminder_for_restarts_until_it_is_sent()
    {
        var to = NewAddress();
        fixture.Emails.Refuse(to, int.MaxValue);
        var outbox = fixture.Grains.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(to));
        var reminders = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();

        await outbox.EnqueueAsync(NewEmail(to));
        var whileFailing = await reminders.ReadRows(outbox.GetGrainId());
        fixture.Emails.Refuse(to, 0);
        await Wait.UntilAsync(() => outbox.GetQueueAsync(), queue => queue.IsEmpty, TimeSpan.FromSeconds(30), "the outbox to empty");
        var afterSending = await reminders.ReadRows(outbox.GetGrainId());

        Assert.Single(whileFailing.Reminders);
        Assert.Empty(afterSending.Reminders);
    }

    [Fact]
    public async Task An_email_sent_at_once_needs_no_reminder()
    {
        var to = NewAddress();
        var outbox = fixture.Grains.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(to));

        await outbox.EnqueueAsync(NewEmail(to));

        Assert.Empty((await fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>().ReadRows(outbox.GetGrainId())).Reminders);
    }

    [Fact]
    public async Task The_same_email_enqueued_again_is_not_sent_twice()
    {
        var to = NewAddress();
        var outbox = fixture.Grains.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(to));
        var email = NewEmail(to);

        await outbox.EnqueueAsync(email);
        await outbox.EnqueueAsync(email);
        await outbox.EnqueueAsync(email with { Subject = "Changed" });

        Assert.Equal("Hello", Assert.Single(fixture.Emails.SentTo(to)).Subject);
    }

    [Fact]
    public async Task Emails_queued_behind_a_refused_one_are_sent_in_their_turn()
    {
        var to = NewAddress();
        fixture.Emails.Refuse(to, 2);
        var outbox = fixture.Grains.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(to));

        await outbox.EnqueueAsync(NewEmail(to, "First"));
        await outbox.EnqueueAsync(NewEmail(to, "Second"));
        await outbox.EnqueueAsync(NewEmail(to, "Third"));
        await Wait.UntilAsync(() => outbox.GetQueueAsync(), queue => queue.IsEmpty, TimeSpan.FromSeconds(30), "the outbox to empty");

        Assert.Equal(["First", "Second", "Third"], fixture.Emails.SentTo(to).Select(e => e.Subject).Order());
    }
}
