using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansDelivery.Grains.Operations;
using OrleansDelivery.Orders;
using OrleansDelivery.Payments;

namespace OrleansDelivery.Grains.Payments;

/// <summary>
/// The single writer of one order's payment (key: the order id). Not reentrant: a charge's checks, its gateway call
/// and its write happen in one turn, so two attempts at once cannot both charge the card. A refund the gateway does not
/// take is never dropped: it is recorded as due, with a reminder that outlives the silo, and retried with doubling waits
/// (the gateway's idempotency key makes a retry after an unknown outcome safe) until the gateway takes it.
/// </summary>
public sealed partial class PaymentGrain(
    [PersistentState("payment")] IPersistentState<PaymentState> payment,
    IPaymentGateway gateway,
    IOptions<PaymentOptions> options,
    TimeProvider time,
    DeliveryMetrics metrics,
    ILogger<PaymentGrain> logger) : Grain, IPaymentGrain, IRemindable
{
    private const string RefundReminder = "refund-retry";
    private static readonly TimeSpan RefundReminderPeriod = TimeSpan.FromMinutes(5);

    private IGrainTimer? _refundRetry;

    private Guid OrderId => this.GetPrimaryKey();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (payment.State.RefundDue)
        {
            ScheduleRefundRetry();
        }

        return Task.CompletedTask;
    }

    public async Task<PaymentView> RequestAsync(PaymentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!payment.State.Requested)
        {
            await SaveAsync(new PaymentState
            {
                Requested = true,
                Type = request.Type,
                Status = PaymentStatus.Requested,
                Amount = request.Amount,
                Currency = request.Currency,
                Times = new PaymentTimes { RequestedAt = time.GetUtcNow() },
            });
        }

        return View();
    }

    public Task<PaymentView?> GetAsync() => Task.FromResult(payment.State.Requested ? View() : null);

    public async Task<CardPaymentResult> PayByCardAsync(CardDetails card)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (WhyNotPayable(PaymentType.Card) is { } refusal)
        {
            return new CardPaymentResult.Refused(refusal);
        }

        var state = payment.State;
        // Processing is only ever seen here after the host stopped mid-charge: the same attempt, with the same
        // idempotency key, asks the gateway again instead of charging a second time.
        var attempt = state.Status == PaymentStatus.Processing ? state.Attempts : state.Attempts + 1;
        var now = time.GetUtcNow();
        await SaveAsync(state with
        {
            Status = PaymentStatus.Processing,
            Attempts = attempt,
            CardBrand = CardNumbers.Brand(card.Digits),
            CardLast4 = card.Last4,
            FailureReason = null,
            Times = state.Times with { ProcessingAt = now },
        });

        ChargeOutcome outcome;
        try
        {
            // Not cancelled with the customer's request: a charge abandoned half-way would leave its outcome unknown.
            outcome = await gateway.ChargeAsync(
                new CardCharge($"{OrderId:N}-{attempt.ToString(CultureInfo.InvariantCulture)}", card, state.Amount, state.Currency), CancellationToken.None);
        }
        catch (PaymentGatewayException error)
        {
            LogGatewayFailed(logger, error, OrderId, attempt);
            metrics.PaymentOutcome(PaymentType.Card, "gateway_failed");
            await SaveAsync(payment.State with { Status = PaymentStatus.Requested, FailureReason = "The payment gateway did not answer." });
            return new CardPaymentResult.GatewayFailed(View(), "The payment gateway did not answer; nothing was charged. Try again in a moment.");
        }

        now = time.GetUtcNow();
        switch (outcome)
        {
            case ChargeOutcome.Approved approved:
                await SaveAsync(payment.State with
                {
                    Status = PaymentStatus.Confirmed,
                    GatewayReference = approved.Reference,
                    CardBrand = approved.Brand,
                    ConfirmedBy = "card",
                    Times = payment.State.Times with { ConfirmedAt = now },
                });
                LogCardApproved(logger, OrderId, approved.Brand, card.Last4, state.Amount, state.Currency);
                metrics.PaymentOutcome(PaymentType.Card, "approved");
                return new CardPaymentResult.Approved(View());
            case ChargeOutcome.Declined declined:
                await SaveAsync(payment.State with
                {
                    Status = PaymentStatus.Failed,
                    CardBrand = declined.Brand,
                    FailureReason = declined.Reason,
                    Times = payment.State.Times with { FailedAt = now },
                });
                LogCardDeclined(logger, OrderId, declined.Brand, card.Last4, declined.Reason);
                metrics.PaymentOutcome(PaymentType.Card, "declined");
                return new CardPaymentResult.Declined(View(), declined.Reason);
            default:
                throw new InvalidOperationException($"Unknown charge outcome {outcome.GetType().Name}.");
        }
    }

    public async Task<QrPaymentResult> RequestQrAsync()
    {
        if (WhyNotPayable(PaymentType.QrCode) is { } refusal)
        {
            return new QrPaymentResult.Refused(refusal);
        }

        var state = payment.State;
        if (state.QrReference is null || state.Status == PaymentStatus.Failed)
        {
            // A failed transfer needs a new reference, so a late webhook about the old one is not taken for the new.
            var attempt = state.Attempts + 1;
            var reference = PaymentReferences.Create(OrderId, attempt);
            await SaveAsync(state with
            {
                Status = PaymentStatus.Requested,
                Attempts = attempt,
                QrReference = reference,
                IssuedQrReferences = [.. state.IssuedQrReferences, reference],
            });
        }

        state = payment.State;
        var payload = string.Create(
            CultureInfo.InvariantCulture,
            $"ODPAY:{state.QrReference}?amount={state.Amount:0.00}&currency={state.Currency}&payee=OrleansDelivery");
        return new QrPaymentResult.Issued(View(), payload, state.Times.RequestedAt + options.Value.Timeout);
    }

    public async Task<BankNotificationResult> ApplyBankNotificationAsync(BankNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var state = payment.State;
        if (!state.Requested || !state.IssuedQrReferences.Contains(notification.Reference, StringComparer.Ordinal))
        {
            return new BankNotificationResult.UnknownReference();
        }

        if (notification.Amount != state.Amount || !string.Equals(notification.Currency, state.Currency, StringComparison.OrdinalIgnoreCase))
        {
            return new BankNotificationResult.AmountMismatch(state.Amount, state.Currency);
        }

        var now = time.GetUtcNow();
        if (notification.Confirmed)
        {
            switch (state.Status)
            {
                case PaymentStatus.Confirmed when state.GatewayReference == notification.Reference:
                    return new BankNotificationResult.Applied(View(), Repeated: true);
                case PaymentStatus.Confirmed:
                    return new BankNotificationResult.Refused("The order is already paid");
                case PaymentStatus.Cancelled or PaymentStatus.Refunded:
                    return new BankNotificationResult.Refused("The order is cancelled");
            }

            // Even an older QR code's transfer pays the order: the money has arrived.
            await SaveAsync(state with
            {
                Status = PaymentStatus.Confirmed,
                GatewayReference = notification.Reference,
                ConfirmedBy = "bank",
                FailureReason = null,
                Times = state.Times with { ConfirmedAt = now },
            });
            LogBankConfirmed(logger, OrderId, notification.Reference);
            metrics.PaymentOutcome(PaymentType.QrCode, "bank_confirmed");
            return new BankNotificationResult.Applied(View(), Repeated: false);
        }

        if (notification.Reference != state.QrReference || state.Status == PaymentStatus.Failed)
        {
            // A failure already reported, or one about a code the customer has replaced: nothing to change.
            return new BankNotificationResult.Applied(View(), Repeated: true);
        }

        if (state.Status != PaymentStatus.Requested)
        {
            return new BankNotificationResult.Refused($"The payment is already {state.Status}");
        }

        await SaveAsync(state with
        {
            Status = PaymentStatus.Failed,
            FailureReason = "The bank reported the transfer as failed",
            Times = state.Times with { FailedAt = now },
        });
        LogBankFailed(logger, OrderId, notification.Reference);
        metrics.PaymentOutcome(PaymentType.QrCode, "bank_failed");
        return new BankNotificationResult.Applied(View(), Repeated: false);
    }

    public async Task<PaymentView?> CancelAsync(string by)
    {
        var state = payment.State;
        if (!state.Requested)
        {
            return null;
        }

        var now = time.GetUtcNow();
        switch (state.Status)
        {
            case PaymentStatus.Confirmed when !state.RefundDue:
                // The reminder first: whatever happens to this silo from here on, the refund is tried again.
                await this.RegisterOrUpdateReminder(RefundReminder, RefundReminderPeriod, RefundReminderPeriod);
                await SaveAsync(state with { RefundDue = true });
                await TryRefundAsync(by);
                break;
            case PaymentStatus.Requested or PaymentStatus.Processing or PaymentStatus.Failed:
                await SaveAsync(state with { Status = PaymentStatus.Cancelled, Times = state.Times with { CancelledAt = now } });
                break;
        }

        return View();
    }

    public async Task<PaymentChangeResult> ConfirmAtDoorAsync(string by)
    {
        var state = payment.State;
        if (!state.Requested)
        {
            return new PaymentChangeResult.Refused("No payment is requested for this order.");
        }

        if (OrderTransitions.IsPrepaid(state.Type))
        {
            return new PaymentChangeResult.Refused($"This order is paid in advance ({state.Type}), not at the door.");
        }

        switch (state.Status)
        {
            case PaymentStatus.Confirmed:
                return new PaymentChangeResult.Changed(View());
            case PaymentStatus.Requested:
                await SaveAsync(state with { Status = PaymentStatus.Confirmed, ConfirmedBy = by, Times = state.Times with { ConfirmedAt = time.GetUtcNow() } });
                metrics.PaymentOutcome(state.Type, "confirmed_at_door");
                return new PaymentChangeResult.Changed(View());
            default:
                return new PaymentChangeResult.Refused($"The payment is {state.Status} and cannot be confirmed.");
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RefundReminder)
        {
            return;
        }

        if (payment.State.RefundDue)
        {
            await RetryRefundAsync(CancellationToken.None);
        }
        else
        {
            await ForgetRefundReminderAsync();
        }
    }

    /// <summary>Asks the gateway for the refund; true when it took it and the payment is Refunded.</summary>
    private async Task<bool> TryRefundAsync(string by)
    {
        var state = payment.State;
        string refundReference;
        try
        {
            // One key for every try of this refund: a gateway that did refund but failed to answer does not refund twice.
            refundReference = await gateway.RefundAsync(
                new GatewayRefund($"{OrderId:N}-refund", state.GatewayReference ?? OrderId.ToString("N"), state.Amount, state.Currency), CancellationToken.None);
        }
        catch (PaymentGatewayException error)
        {
            var failed = state.FailedRefunds + 1;
            await SaveAsync(state with
            {
                FailedRefunds = failed,
                FailureReason = "The refund is pending: the payment gateway did not answer. It is tried again automatically.",
            });
            var wait = RefundBackoff(failed);
            metrics.PaymentOutcome(state.Type, "refund_failed");
            LogRefundFailed(logger, error, OrderId, failed, wait);
            ScheduleRefundRetry(wait);
            return false;
        }

        await SaveAsync(state with
        {
            Status = PaymentStatus.Refunded,
            RefundDue = false,
            RefundReference = refundReference,
            FailureReason = null,
            Times = state.Times with { RefundedAt = time.GetUtcNow() },
        });
        LogRefunded(logger, OrderId, state.Amount, state.Currency, by);
        metrics.PaymentOutcome(state.Type, "refunded");
        await ForgetRefundReminderAsync();
        return true;
    }

    /// <summary>A retry on the timer or the reminder: when it succeeds, the order learns its payment was refunded.</summary>
    private async Task RetryRefundAsync(CancellationToken cancellationToken)
    {
        if (payment.State.RefundDue && await TryRefundAsync("refund retry"))
        {
            _refundRetry?.Dispose();
            _refundRetry = null;
            await GrainFactory.GetGrain<IOrderGrain>(OrderId).PaymentChangedAsync(View()).WaitAsync(cancellationToken);
        }
    }

    private void ScheduleRefundRetry(TimeSpan? wait = null)
    {
        var due = wait ?? RefundBackoff(Math.Max(payment.State.FailedRefunds, 1));
        if (_refundRetry is null)
        {
            _refundRetry = this.RegisterGrainTimer(RetryRefundAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
        }
        else
        {
            _refundRetry.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private TimeSpan RefundBackoff(int failures)
    {
        var settings = options.Value;
        var doubled = settings.RefundRetryDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return doubled < settings.MaxRefundRetryDelay ? doubled : settings.MaxRefundRetryDelay;
    }

    private async Task ForgetRefundReminderAsync()
    {
        if (await this.GetReminder(RefundReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Why the customer cannot pay this way now, in words they read; null when they can.</summary>
    private string? WhyNotPayable(PaymentType way)
    {
        var state = payment.State;
        return state switch
        {
            { Requested: false } => "No payment is requested for this order.",
            { Type: PaymentType.CashOnDelivery or PaymentType.PosOnDelivery } => "This order is paid on delivery",
            { Status: PaymentStatus.Confirmed } => "The order is already paid",
            { Status: PaymentStatus.Cancelled or PaymentStatus.Refunded } => "The order is cancelled",
            _ when state.Type != way => state.Type == PaymentType.Card ? "This order is paid by card" : "This order is paid by QR code",
            _ => null,
        };
    }

    private async Task SaveAsync(PaymentState next)
    {
        payment.State = next with { Version = payment.State.Version + 1 };
        await payment.WriteStateAsync();
    }

    private PaymentView View() => payment.State.ToView(OrderId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: {Brand} card ending {Last4} charged {Amount} {Currency}")]
    private static partial void LogCardApproved(ILogger logger, Guid orderId, string brand, string last4, decimal amount, string currency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: {Brand} card ending {Last4} declined: {Reason}")]
    private static partial void LogCardDeclined(ILogger logger, Guid orderId, string brand, string last4, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: the payment gateway failed on attempt {Attempt}; the payment stays open")]
    private static partial void LogGatewayFailed(ILogger logger, Exception error, Guid orderId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: the bank confirmed the QR payment {Reference}")]
    private static partial void LogBankConfirmed(ILogger logger, Guid orderId, string reference);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: the bank reported the QR payment {Reference} failed")]
    private static partial void LogBankFailed(ILogger logger, Guid orderId, string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order {OrderId}: the payment gateway did not take the refund (failure {Failures}); trying again in {Wait}")]
    private static partial void LogRefundFailed(ILogger logger, Exception error, Guid orderId, int failures, TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId}: refunded {Amount} {Currency} (cancelled by {By})")]
    private static partial void LogRefunded(ILogger logger, Guid orderId, decimal amount, string currency, string by);
}
