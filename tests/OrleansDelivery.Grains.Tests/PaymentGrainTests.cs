using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Catalog;
using OrleansDelivery.Grains.Payments;
using OrleansDelivery.Orders;
using OrleansDelivery.Payments;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class PaymentGrainTests(ClusterFixture fixture)
{
    private static CardDetails Card(string number) => new(number, 12, DateTime.UtcNow.Year + 2, "123", "Ada Lovelace");

    /// <summary>A placed order of two units at 11.90 EUR, delivered by car (4.90): 28.70 EUR to pay.</summary>
    private async Task<(IOrderGrain Order, IPaymentGrain Payment)> PlacedAsync(PaymentType type)
    {
        var product = fixture.Grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(new ProductDefinition("Diavola", "Spicy.", 11.90m, "EUR", "pizza", [], null, true));
        await product.AdjustStockAsync(10);
        var id = Guid.NewGuid();
        var order = fixture.Grains.GetGrain<IOrderGrain>(id);
        Assert.IsType<PlaceResult.Placed>(await order.PlaceAsync(new PlaceOrder(
            Guid.NewGuid(), "20261123-0001", [new OrderLine(product.GetPrimaryKey(), "Diavola", 11.90m, 2, null)],
            new DeliveryDetails(DeliveryMethod.Car, "1 Main Street", "Ada", "+441234567"), type, null, null, "EUR")));
        return (order, fixture.Grains.GetGrain<IPaymentGrain>(id));
    }

    [Fact]
    public async Task Placing_a_prepaid_order_requests_its_total_and_the_order_shows_it()
    {
        var (order, payment) = await PlacedAsync(PaymentType.Card);

        var requested = (await payment.GetAsync())!;

        Assert.Equal((PaymentType.Card, PaymentStatus.Requested, 28.70m, "EUR", 0), (requested.Type, requested.Status, requested.Amount, requested.Currency, requested.Attempts));
        Assert.Equal(requested, (await order.GetAsync())!.Payment);
    }

    [Fact]
    public async Task An_approved_card_confirms_the_payment_and_then_the_order_keeping_only_brand_and_last_four()
    {
        var (order, payment) = await PlacedAsync(PaymentType.Card);

        var approved = Assert.IsType<CardPaymentResult.Approved>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard)));
        var confirmed = (await order.PaymentChangedAsync(approved.Payment))!;

        Assert.Equal((PaymentStatus.Confirmed, "Visa", "4242", 1), (approved.Payment.Status, approved.Payment.CardBrand, approved.Payment.CardLast4, approved.Payment.Attempts));
        Assert.NotNull(approved.Payment.GatewayReference);
        Assert.Equal(OrderStatus.Confirmed, confirmed.Status);
        Assert.Equal("payment", confirmed.StatusHistory[^1].By);
        Assert.NotNull(confirmed.Times.PaidAt);
        Assert.DoesNotContain(SandboxPaymentGateway.ApprovedCard, approved.Payment.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxPaymentGateway.ApprovedCard, Card(SandboxPaymentGateway.ApprovedCard).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declined_card_fails_the_order_and_a_second_card_pays_it()
    {
        var (order, payment) = await PlacedAsync(PaymentType.Card);

        var declined = Assert.IsType<CardPaymentResult.Declined>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.DeclinedCard)));
        Assert.Equal(OrderStatus.PaymentFailed, (await order.PaymentChangedAsync(declined.Payment))!.Status);
        Assert.Equal((PaymentStatus.Failed, "The card was declined"), (declined.Payment.Status, declined.Payment.FailureReason));

        Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(OrderStatus.AwaitingPayment, "customer"));
        var approved = Assert.IsType<CardPaymentResult.Approved>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard)));
        var confirmed = (await order.PaymentChangedAsync(approved.Payment))!;

        Assert.Equal(2, approved.Payment.Attempts);
        Assert.Equal(
            [OrderStatus.Placed, OrderStatus.AwaitingPayment, OrderStatus.PaymentFailed, OrderStatus.AwaitingPayment, OrderStatus.Confirmed],
            confirmed.StatusHistory.Select(change => change.Status));
    }

    [Fact]
    public async Task A_gateway_error_charges_nothing_and_leaves_the_payment_open()
    {
        var (order, payment) = await PlacedAsync(PaymentType.Card);

        var failed = Assert.IsType<CardPaymentResult.GatewayFailed>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.GatewayErrorCard)));
        Assert.Equal(OrderStatus.AwaitingPayment, (await order.PaymentChangedAsync(failed.Payment))!.Status);

        Assert.Equal((PaymentStatus.Requested, null), (failed.Payment.Status, failed.Payment.GatewayReference));
        Assert.IsType<CardPaymentResult.Approved>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard)));
    }

    [Fact]
    public async Task A_paid_order_cannot_be_charged_twice_and_a_cash_order_not_at_all()
    {
        var (_, card) = await PlacedAsync(PaymentType.Card);
        var (_, cash) = await PlacedAsync(PaymentType.CashOnDelivery);

        Assert.IsType<CardPaymentResult.Approved>(await card.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard)));
        var twice = await card.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard));
        var onDelivery = await cash.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard));

        Assert.Equal("The order is already paid", Assert.IsType<CardPaymentResult.Refused>(twice).Reason);
        Assert.Equal("This order is paid on delivery", Assert.IsType<CardPaymentResult.Refused>(onDelivery).Reason);
        Assert.Equal(1, (await card.GetAsync())!.Attempts);
    }

    [Fact]
    public async Task Cancelling_refunds_a_confirmed_payment_and_cancels_an_open_one()
    {
        var (paidOrder, paid) = await PlacedAsync(PaymentType.Card);
        var (openOrder, _) = await PlacedAsync(PaymentType.QrCode);
        var approved = Assert.IsType<CardPaymentResult.Approved>(await paid.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard)));
        await paidOrder.PaymentChangedAsync(approved.Payment);

        var refunded = Assert.IsType<TransitionResult.Changed>(await paidOrder.CancelAsync("customer", null)).Order.Payment!;
        var cancelled = Assert.IsType<TransitionResult.Changed>(await openOrder.CancelAsync("customer", null)).Order.Payment!;

        Assert.Equal(PaymentStatus.Refunded, refunded.Status);
        Assert.NotNull(refunded.RefundReference);
        Assert.NotNull(refunded.Times.RefundedAt);
        Assert.Equal(PaymentStatus.Cancelled, cancelled.Status);
        Assert.Equal(PaymentStatus.Refunded, (await paid.GetAsync())!.Status);
    }

    [Fact]
    public async Task A_refund_the_gateway_does_not_take_is_retried_until_it_does_and_made_once()
    {
        var (order, payment) = await PlacedAsync(PaymentType.Card);
        var approved = Assert.IsType<CardPaymentResult.Approved>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard)));
        await order.PaymentChangedAsync(approved.Payment);
        var reminders = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        fixture.Payments.FailRefunds(order.GetPrimaryKey(), int.MaxValue);

        var cancelled = Assert.IsType<TransitionResult.Changed>(await order.CancelAsync("customer", null)).Order;
        var whileFailing = (await payment.GetAsync())!;
        var reminderWhileFailing = await reminders.ReadRows(payment.GetGrainId());
        fixture.Payments.FailRefunds(order.GetPrimaryKey(), 0);
        var refunded = await Wait.UntilAsync(() => order.GetAsync(), view => view!.Payment!.Status == PaymentStatus.Refunded, TimeSpan.FromSeconds(30), "the retried refund to reach the order");

        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Equal(PaymentStatus.Confirmed, cancelled.Payment!.Status);
        Assert.Contains("refund is pending", cancelled.Payment.FailureReason, StringComparison.Ordinal);
        Assert.Equal(PaymentStatus.Confirmed, whileFailing.Status);
        Assert.Single(reminderWhileFailing.Reminders);
        Assert.NotNull(refunded!.Payment!.RefundReference);
        Assert.Null(refunded.Payment.FailureReason);
        Assert.Single(fixture.Payments.RefundsOf(order.GetPrimaryKey()));
        Assert.Empty((await reminders.ReadRows(payment.GetGrainId())).Reminders);
    }

    [Fact]
    public async Task A_cash_payment_is_confirmed_when_the_order_is_delivered()
    {
        var (order, payment) = await PlacedAsync(PaymentType.CashOnDelivery);
        foreach (var step in new[] { OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery })
        {
            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(step, "staff"));
            Assert.Equal(PaymentStatus.Requested, (await order.GetAsync())!.Payment!.Status);
        }

        var delivered = Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(OrderStatus.Delivered, "courier")).Order;

        Assert.Equal((PaymentStatus.Confirmed, "courier"), (delivered.Payment!.Status, delivered.Payment.ConfirmedBy));
        Assert.Equal(delivered.Payment, Assert.IsType<PaymentChangeResult.Changed>(await payment.ConfirmAtDoorAsync("staff")).Payment);
    }

    [Fact]
    public async Task A_qr_payment_keeps_its_reference_until_the_bank_confirms_it_once()
    {
        var (order, payment) = await PlacedAsync(PaymentType.QrCode);

        var first = Assert.IsType<QrPaymentResult.Issued>(await payment.RequestQrAsync());
        var again = Assert.IsType<QrPaymentResult.Issued>(await payment.RequestQrAsync());
        var reference = first.Payload[(first.Payload.IndexOf(':', StringComparison.Ordinal) + 1)..first.Payload.IndexOf('?', StringComparison.Ordinal)];

        Assert.Equal(first.Payload, again.Payload);
        Assert.Contains("amount=28.70&currency=EUR", first.Payload, StringComparison.Ordinal);
        Assert.True(PaymentReferences.TryParseOrderId(reference, out var orderId));
        Assert.Equal(order.GetPrimaryKey(), orderId);
        Assert.IsType<BankNotificationResult.AmountMismatch>(await payment.ApplyBankNotificationAsync(new BankNotification(reference, true, 1m, "EUR")));
        Assert.IsType<BankNotificationResult.UnknownReference>(await payment.ApplyBankNotificationAsync(new BankNotification(reference + "9", true, 28.70m, "EUR")));

        var applied = Assert.IsType<BankNotificationResult.Applied>(await payment.ApplyBankNotificationAsync(new BankNotification(reference, true, 28.70m, "EUR")));
        var repeated = Assert.IsType<BankNotificationResult.Applied>(await payment.ApplyBankNotificationAsync(new BankNotification(reference, true, 28.7m, "eur")));

        Assert.Equal((false, true), (applied.Repeated, repeated.Repeated));
        Assert.Equal(applied.Payment, repeated.Payment);
        Assert.Equal(OrderStatus.Confirmed, (await order.PaymentChangedAsync(applied.Payment))!.Status);
    }

    [Fact]
    public async Task A_failed_qr_transfer_gets_a_new_reference_and_the_old_failure_is_not_news()
    {
        var (order, payment) = await PlacedAsync(PaymentType.QrCode);
        var first = Assert.IsType<QrPaymentResult.Issued>(await payment.RequestQrAsync());
        var firstReference = PaymentReferences.Create(order.GetPrimaryKey(), first.Payment.Attempts);

        var failed = Assert.IsType<BankNotificationResult.Applied>(await payment.ApplyBankNotificationAsync(new BankNotification(firstReference, false, 28.70m, "EUR")));
        Assert.Equal(OrderStatus.PaymentFailed, (await order.PaymentChangedAsync(failed.Payment))!.Status);
        var second = Assert.IsType<QrPaymentResult.Issued>(await payment.RequestQrAsync());
        var late = Assert.IsType<BankNotificationResult.Applied>(await payment.ApplyBankNotificationAsync(new BankNotification(firstReference, false, 28.70m, "EUR")));

        Assert.NotEqual(first.Payload, second.Payload);
        Assert.Equal(PaymentStatus.Requested, late.Payment.Status);
        Assert.True(late.Repeated);
    }

    [Fact]
    public async Task An_older_payment_view_arriving_late_does_not_move_the_order_back()
    {
        var (order, payment) = await PlacedAsync(PaymentType.Card);
        var declined = Assert.IsType<CardPaymentResult.Declined>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.DeclinedCard)));
        var approved = Assert.IsType<CardPaymentResult.Approved>(await payment.PayByCardAsync(Card(SandboxPaymentGateway.ApprovedCard)));

        await order.PaymentChangedAsync(approved.Payment);
        var after = (await order.PaymentChangedAsync(declined.Payment))!;

        Assert.Equal(OrderStatus.Confirmed, after.Status);
        Assert.Equal(PaymentStatus.Confirmed, after.Payment!.Status);
    }
}
