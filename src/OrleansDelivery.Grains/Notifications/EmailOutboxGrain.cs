using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansDelivery.Notifications;

namespace OrleansDelivery.Grains.Notifications;

[GenerateSerializer, Alias("od.email-outbox-state")]
public sealed record EmailOutboxState
{
    /// <summary>The emails not sent yet, oldest first.</summary>
    [Id(0)]
    public List<QueuedEmail> Queue { get; init; } = [];

    /// <summary>The ids of the newest sent emails, so one enqueued again is not sent twice.</summary>
    [Id(1)]
    public List<Guid> Sent { get; init; } = [];

    /// <summary>Whether the safety-net reminder is registered (only while a failed email waits).</summary>
    [Id(2)]
    public bool ReminderRegistered { get; init; }
}

/// <summary>
/// The single writer of one recipient's outbox. An email is written to the queue before anything else; then one send
/// is tried at once, so a sign-up code arrives while the person waits. A failure leaves the email queued for a timer
/// that retries with doubling waits, and registers a reminder, kept until the queue is empty, that wakes the outbox
/// after a restart. The happy path registers no reminder: an email sent at once costs two state writes and no more.
/// Sends happen one per turn, so calls to enqueue never wait behind a whole queue of slow sends.
/// </summary>
public sealed partial class EmailOutboxGrain(
    [PersistentState("outbox")] IPersistentState<EmailOutboxState> outbox,
    IEmailSender sender,
    IOptions<EmailOutboxOptions> options,
    TimeProvider time,
    ILogger<EmailOutboxGrain> logger)
    : Grain, IEmailOutboxGrain, IRemindable
{
    private const string ReminderName = "email-outbox";
    private const int SentKept = 500;
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(5);

    private IGrainTimer? _retry;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleRetry();
        return Task.CompletedTask;
    }

    public async Task EnqueueAsync(OutgoingEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var state = outbox.State;
        if (state.Sent.Contains(email.Id) || state.Queue.Any(queued => queued.Email.Id == email.Id))
        {
            return;
        }

        var now = time.GetUtcNow();
        outbox.State = state with { Queue = [.. state.Queue, new QueuedEmail(email, now, 0, now, null)] };
        await outbox.WriteStateAsync();
        await TrySendAsync(email.Id, CancellationToken.None);
        await AfterSendAsync();
    }

    public Task<ImmutableArray<QueuedEmail>> GetQueueAsync() => Task.FromResult<ImmutableArray<QueuedEmail>>([.. outbox.State.Queue]);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (outbox.State.Queue.Count == 0)
        {
            await UnregisterReminderAsync();
        }
        else
        {
            ScheduleRetry();
        }
    }

    /// <summary>The timer's turn: sends the one email due first, then plans the next turn.</summary>
    private async Task RetryDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (outbox.State.Queue.Where(queued => queued.NextAttemptAt <= now).OrderBy(queued => queued.NextAttemptAt).FirstOrDefault() is { } due)
        {
            await TrySendAsync(due.Email.Id, cancellationToken);
        }

        await AfterSendAsync();
    }

    private async Task TrySendAsync(Guid emailId, CancellationToken cancellationToken)
    {
        var queued = outbox.State.Queue.Single(q => q.Email.Id == emailId);
        try
        {
            await sender.SendAsync(queued.Email, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var attempts = queued.Attempts + 1;
            var wait = Backoff(attempts);
            Replace(queued with { Attempts = attempts, NextAttemptAt = time.GetUtcNow() + wait, LastError = error.Message });
            await outbox.WriteStateAsync();
            await RegisterReminderAsync();
            if (attempts >= options.Value.AttemptsBeforeError)
            {
                LogStillFailing(logger, error, this.GetPrimaryKeyString(), queued.Email.Subject, attempts, wait);
            }
            else
            {
                LogSendFailed(logger, this.GetPrimaryKeyString(), queued.Email.Subject, attempts, wait, error.Message);
            }

            return;
        }

        var state = outbox.State;
        outbox.State = state with
        {
            Queue = [.. state.Queue.Where(q => q.Email.Id != emailId)],
            Sent = [.. state.Sent.Append(emailId).TakeLast(SentKept)],
        };
        await outbox.WriteStateAsync();
        LogSent(logger, this.GetPrimaryKeyString(), queued.Email.Subject, queued.Attempts + 1);
    }

    private async Task AfterSendAsync()
    {
        if (outbox.State is { Queue.Count: 0, ReminderRegistered: true })
        {
            await UnregisterReminderAsync();
        }

        ScheduleRetry();
    }

    /// <summary>Sets the timer for the next email due, or stops it when nothing is queued.</summary>
    private void ScheduleRetry()
    {
        if (outbox.State.Queue.Count == 0)
        {
            _retry?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var wait = outbox.State.Queue.Min(queued => queued.NextAttemptAt) - time.GetUtcNow();
        var due = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        if (_retry is null)
        {
            _retry = this.RegisterGrainTimer(RetryDueAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        }
        else
        {
            _retry.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var settings = options.Value;
        var doubled = settings.RetryDelay * Math.Pow(2, Math.Min(attempts - 1, 30));
        return doubled < settings.MaxRetryDelay ? doubled : settings.MaxRetryDelay;
    }

    private void Replace(QueuedEmail queued) =>
        outbox.State = outbox.State with { Queue = [.. outbox.State.Queue.Select(q => q.Email.Id == queued.Email.Id ? queued : q)] };

    private async Task RegisterReminderAsync()
    {
        if (outbox.State.ReminderRegistered)
        {
            return;
        }

        try
        {
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The timer still retries; the reminder only matters after a restart, so the next failure tries again.
            LogReminderFailed(logger, error, this.GetPrimaryKeyString());
            return;
        }

        outbox.State = outbox.State with { ReminderRegistered = true };
        await outbox.WriteStateAsync();
    }

    private async Task UnregisterReminderAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        if (outbox.State.ReminderRegistered)
        {
            outbox.State = outbox.State with { ReminderRegistered = false };
            await outbox.WriteStateAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Email to {Recipient} sent: {Subject} (attempt {Attempt})")]
    private static partial void LogSent(ILogger logger, string recipient, string subject, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email to {Recipient} not sent: {Subject} (attempt {Attempt}); retrying in {Wait}: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string recipient, string subject, int attempt, TimeSpan wait, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Recipient} could not register its reminder; retrying on its timer")]
    private static partial void LogReminderFailed(ILogger logger, Exception error, string recipient);

    [LoggerMessage(Level = LogLevel.Error, Message = "Email to {Recipient} still not sent: {Subject} after {Attempt} attempts; retrying in {Wait}")]
    private static partial void LogStillFailing(ILogger logger, Exception error, string recipient, string subject, int attempt, TimeSpan wait);
}
