using System.Collections.Immutable;
using OrleansDelivery.Grains.Notifications;
using OrleansDelivery.Identity;
using OrleansDelivery.Notifications;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class NotificationsGrainTests(ClusterFixture fixture)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A card order as the order grain publishes it after the given steps (the first is always Placed).</summary>
    private static OrderView Order(Guid id, Guid customerId, params OrderStatus[] steps)
    {
        var history = steps.Prepend(OrderStatus.Placed)
            .Select((status, index) => new OrderStatusChange(index + 1, status, Start.AddMinutes(index), index == 0 ? "customer" : "system"))
            .ToImmutableArray();
        return new OrderView(
            id, "20261123-0007", customerId, history[^1].Status, history,
            [new OrderLine(Guid.NewGuid(), "Diavola", 11.90m, 2, null)], 23.80m, 4.90m, "EUR",
            new DeliveryDetails(DeliveryMethod.Car, "1 Main Street", "Ada", "+441234567"), PaymentType.Card, null, null,
            new OrderTimes { PlacedAt = Start }, null);
    }

    private Task PublishAsync(OrderView order) =>
        fixture.Cluster.Client.GetStreamProvider(StreamProviders.Events)
            .GetStream<OrderView>(StreamId.Create(Orders.OrderGrain.CustomerOrdersStreamNamespace, order.CustomerId))
            .OnNextAsync(order);

    private async Task<Guid> CustomerAsync(NotificationChannel channel, bool enabled = true)
    {
        var id = Guid.NewGuid();
        var customer = fixture.Grains.GetGrain<ICustomerGrain>(id);
        await customer.CreateAsync(new SignUpDetails($"u{id:N}", $"{id:N}@example.com", "+441234567", "Ada", "Lovelace", "hash"), CustomerRole.Customer);
        await customer.UpdateSettingsAsync(CustomerSettings.Default with { PreferredChannel = channel, NotificationsEnabled = enabled });
        return id;
    }

    private async Task<NotificationInbox> InboxWithAsync(Guid customerId, NotificationKind newest) => await Wait.UntilAsync(
        () => fixture.Grains.GetGrain<INotificationsGrain>(customerId).GetAsync(),
        inbox => !inbox.Items.IsEmpty && inbox.Items[0].Kind == newest,
        TimeSpan.FromSeconds(30),
        $"a {newest} notification");

    [Fact]
    public async Task Repeated_and_late_events_add_each_step_once()
    {
        var customerId = await CustomerAsync(NotificationChannel.Email);
        var orderId = Guid.NewGuid();

        await PublishAsync(Order(orderId, customerId, OrderStatus.AwaitingPayment));
        await PublishAsync(Order(orderId, customerId, OrderStatus.AwaitingPayment));
        await PublishAsync(Order(orderId, customerId, OrderStatus.AwaitingPayment, OrderStatus.Confirmed));
        await PublishAsync(Order(orderId, customerId, OrderStatus.AwaitingPayment));
        await PublishAsync(Order(orderId, customerId, OrderStatus.AwaitingPayment, OrderStatus.Confirmed, OrderStatus.Cooking));
        var inbox = await InboxWithAsync(customerId, NotificationKind.Cooking);

        Assert.Equal(
            [NotificationKind.Cooking, NotificationKind.PaymentConfirmed, NotificationKind.PaymentRequested, NotificationKind.OrderPlaced],
            inbox.Items.Select(n => n.Kind));
        Assert.Equal(4, inbox.Unread);
        Assert.Equal([Start.AddMinutes(3), Start.AddMinutes(2), Start.AddMinutes(1), Start], inbox.Items.Select(n => n.At));
        Assert.All(inbox.Items, n => Assert.Equal(orderId, n.OrderId));
        // Each step was emailed once, under its notification's id.
        Assert.Equal(inbox.Items.Select(n => n.Id).Order(), fixture.Emails.SentTo($"{customerId:N}@example.com").Select(e => e.Id).Order());
    }

    [Fact]
    public async Task A_cash_order_confirmed_at_once_is_told_as_placed_only()
    {
        var customerId = await CustomerAsync(NotificationChannel.Push);
        var order = Order(Guid.NewGuid(), customerId, OrderStatus.Confirmed) with { PaymentType = PaymentType.CashOnDelivery };

        await PublishAsync(order);
        await PublishAsync(order with { Status = OrderStatus.Cancelled, CancellationReason = "Changed my mind", StatusHistory = [.. order.StatusHistory, new OrderStatusChange(3, OrderStatus.Cancelled, Start.AddMinutes(5), "customer")] });
        var inbox = await InboxWithAsync(customerId, NotificationKind.Cancelled);

        Assert.Equal([NotificationKind.Cancelled, NotificationKind.OrderPlaced], inbox.Items.Select(n => n.Kind));
        Assert.Equal("Your order was cancelled: Changed my mind", inbox.Items[0].Body);
        Assert.Empty(fixture.Emails.SentTo($"{customerId:N}@example.com"));
    }

    [Fact]
    public async Task A_finished_orders_events_that_come_again_add_nothing_before_or_after_the_archive_keeps_it()
    {
        var customerId = await CustomerAsync(NotificationChannel.Push);
        var inboxGrain = fixture.Grains.GetGrain<INotificationsGrain>(customerId);
        var cooking = Order(Guid.NewGuid(), customerId, OrderStatus.AwaitingPayment, OrderStatus.Confirmed, OrderStatus.Cooking);
        var delivered = Order(cooking.Id, customerId, OrderStatus.AwaitingPayment, OrderStatus.Confirmed, OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered);
        await PublishAsync(delivered);
        await InboxWithAsync(customerId, NotificationKind.Delivered);

        // Again while the order is among the recent ones, then after enough notifications moved it to the archive.
        await PublishAsync(cooking);
        await PublishAsync(delivered);
        for (var i = 0; i < NotificationsGrain.RecentMax; i++)
        {
            await inboxGrain.AddAsync(new Notification(Guid.NewGuid(), NotificationKind.ListingCreated, $"#{i}", "", null, Start, false), NotificationEmail.AsPreferred);
        }

        await PublishAsync(cooking);
        await PublishAsync(delivered);
        // Events of one stream arrive in order: once the next order's step shows, the repeats before it were handled.
        await PublishAsync(Order(Guid.NewGuid(), customerId, OrderStatus.AwaitingPayment, OrderStatus.PaymentFailed));
        var inbox = await InboxWithAsync(customerId, NotificationKind.PaymentFailed);

        var first = inbox.Items.Where(n => n.OrderId == cooking.Id).Select(n => n.Kind).ToList();
        Assert.Equal(
            [NotificationKind.Delivered, NotificationKind.OutForDelivery, NotificationKind.ReadyForDelivery, NotificationKind.Cooking, NotificationKind.PaymentConfirmed, NotificationKind.PaymentRequested, NotificationKind.OrderPlaced],
            first);
    }

    [Fact]
    public async Task With_notifications_off_the_inbox_records_but_nothing_is_emailed_except_account_emails()
    {
        var customerId = await CustomerAsync(NotificationChannel.Email, enabled: false);
        var inboxGrain = fixture.Grains.GetGrain<INotificationsGrain>(customerId);

        await PublishAsync(Order(Guid.NewGuid(), customerId, OrderStatus.AwaitingPayment));
        await InboxWithAsync(customerId, NotificationKind.PaymentRequested);
        await inboxGrain.AddAsync(new Notification(Guid.NewGuid(), NotificationKind.ListingCreated, "Listed", "On sale.", null, Start, false), NotificationEmail.Always);

        Assert.Equal(3, (await inboxGrain.GetAsync()).Items.Length);
        Assert.Equal(["Listed"], fixture.Emails.SentTo($"{customerId:N}@example.com").Select(e => e.Subject));
    }

    [Fact]
    public async Task The_inbox_keeps_the_newest_200_and_ignores_a_repeated_id()
    {
        var inbox = fixture.Grains.GetGrain<INotificationsGrain>(Guid.NewGuid());
        var notifications = Enumerable.Range(0, INotificationsGrain.Kept + 5)
            .Select(i => new Notification(Guid.NewGuid(), NotificationKind.ListingCreated, $"#{i}", "", null, Start.AddSeconds(i), false))
            .ToList();

        foreach (var notification in notifications)
        {
            await inbox.AddAsync(notification, NotificationEmail.AsPreferred);
        }

        await inbox.AddAsync(notifications[^1] with { Title = "again" }, NotificationEmail.AsPreferred);
        var kept = await inbox.GetAsync();

        Assert.Equal(INotificationsGrain.Kept, kept.Items.Length);
        Assert.Equal($"#{INotificationsGrain.Kept + 4}", kept.Items[0].Title);
        Assert.Equal("#5", kept.Items[^1].Title);
    }

    [Fact]
    public async Task Older_notifications_kept_apart_from_the_recent_ones_still_show_in_order_and_can_be_read()
    {
        var inbox = fixture.Grains.GetGrain<INotificationsGrain>(Guid.NewGuid());
        // Enough for several moves of the oldest into the archive, each a different size.
        const int count = NotificationsGrain.RecentMax * 3 + 7;
        for (var i = 0; i < count; i++)
        {
            await inbox.AddAsync(new Notification(Guid.NewGuid(), NotificationKind.ListingCreated, $"#{i}", "", null, Start.AddSeconds(i), false), NotificationEmail.AsPreferred);
        }

        var before = await inbox.GetAsync();
        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => $"#{i}"), before.Items.Select(n => n.Title));
        Assert.Equal(count, before.Unread);

        // The oldest was moved long ago; a repeat of it adds nothing.
        Assert.True(await inbox.MarkReadAsync(before.Items[^1].Id));
        await inbox.AddAsync(before.Items[^1] with { Title = "again" }, NotificationEmail.AsPreferred);
        var oneRead = await inbox.GetAsync();
        Assert.Equal(count - 1, oneRead.Unread);
        Assert.Equal(("#0", true), (oneRead.Items[^1].Title, oneRead.Items[^1].Read));
        Assert.Equal(count, oneRead.Items.Length);

        await inbox.MarkAllReadAsync();
        var allRead = await inbox.GetAsync();
        Assert.Equal(0, allRead.Unread);
        Assert.All(allRead.Items, n => Assert.True(n.Read));
    }

    [Fact]
    public async Task Marking_read_answers_false_for_an_unknown_id()
    {
        var customerId = await CustomerAsync(NotificationChannel.Push);
        var inbox = fixture.Grains.GetGrain<INotificationsGrain>(customerId);
        await inbox.AddAsync(new Notification(Guid.NewGuid(), NotificationKind.ListingCreated, "One", "", null, Start, false), NotificationEmail.AsPreferred);
        await inbox.AddAsync(new Notification(Guid.NewGuid(), NotificationKind.ListingCreated, "Two", "", null, Start, false), NotificationEmail.AsPreferred);
        var before = await inbox.GetAsync();

        Assert.False(await inbox.MarkReadAsync(Guid.NewGuid()));
        Assert.True(await inbox.MarkReadAsync(before.Items[1].Id));
        var after = await inbox.GetAsync();

        Assert.Equal((2, 1), (before.Unread, after.Unread));
        Assert.Equal([false, true], after.Items.Select(n => n.Read));
    }

    [Fact]
    public void Every_step_of_an_order_has_its_own_stable_id()
    {
        var orderId = Guid.NewGuid();

        Assert.Equal(OrderNotifications.IdOf(orderId, 2), OrderNotifications.IdOf(orderId, 2));
        Assert.NotEqual(OrderNotifications.IdOf(orderId, 2), OrderNotifications.IdOf(orderId, 3));
        Assert.NotEqual(OrderNotifications.IdOf(orderId, 2), OrderNotifications.IdOf(Guid.NewGuid(), 2));
    }
}
