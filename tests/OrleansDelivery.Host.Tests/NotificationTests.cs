using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Orders;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>Customers reading what happened to their orders in their inbox, and by email when they asked for it.</summary>
public sealed class NotificationTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Task<JsonElement> InboxAsync(HttpClient client, string query = "") =>
        client.GetFromJsonAsync<JsonElement>($"/api/notifications{query}", Cancellation);

    /// <summary>The inbox once it holds <paramref name="count"/> notifications (events reach it asynchronously).</summary>
    private static Task<JsonElement> InboxWithAsync(HttpClient client, int count) => Wait.UntilAsync(
        () => InboxAsync(client), inbox => inbox.GetProperty("total").GetInt32() >= count, TimeSpan.FromSeconds(30), $"{count} notifications");

    private static List<string?> Kinds(JsonElement inbox) =>
        [.. inbox.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("kind").GetString())];

    private async Task AdvanceAsync(Guid orderId, OrderStatus to)
    {
        var result = await app.Services.GetRequiredService<IGrainFactory>().GetGrain<IOrderGrain>(orderId).AdvanceAsync(to, "staff");
        Assert.IsType<TransitionResult.Changed>(result);
    }

    private static Task<JsonElement> MailboxAsync(HttpClient client, string email) =>
        client.GetFromJsonAsync<JsonElement>($"/api/dev/mailbox?to={Uri.EscapeDataString(email)}", Cancellation);

    [Fact]
    public async Task Placing_and_cancelling_an_order_leaves_both_in_the_inbox_newest_first()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var order = await DeliveryApplication.PlaceItemOrderAsync(client);
            var id = order.GetProperty("id").GetGuid();
            var number = order.GetProperty("number").GetString();
            using var cancel = await client.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "Ordered by mistake" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

            var inbox = await InboxWithAsync(client, 2);

            Assert.Equal(["Cancelled", "OrderPlaced"], Kinds(inbox));
            Assert.Equal((2, 2), (inbox.GetProperty("total").GetInt32(), inbox.GetProperty("unread").GetInt32()));
            var items = inbox.GetProperty("items").EnumerateArray().ToList();
            Assert.All(items, n => Assert.Equal(id, n.GetProperty("orderId").GetGuid()));
            Assert.All(items, n => Assert.False(n.GetProperty("read").GetBoolean()));
            Assert.Equal($"Order {number} cancelled", items[0].GetProperty("title").GetString());
            Assert.Contains("Ordered by mistake", items[0].GetProperty("body").GetString(), StringComparison.Ordinal);
            Assert.True(items[0].GetProperty("at").GetDateTimeOffset() >= items[1].GetProperty("at").GetDateTimeOffset());
        }
    }

    [Fact]
    public async Task A_card_order_tells_every_step_from_payment_to_the_rating_request()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var order = await DeliveryApplication.PlaceItemOrderAsync(client, paymentType: "Card");
            var id = order.GetProperty("id").GetGuid();
            await InboxWithAsync(client, 2);
            await AdvanceAsync(id, OrderStatus.PaymentFailed);
            await AdvanceAsync(id, OrderStatus.AwaitingPayment);
            await AdvanceAsync(id, OrderStatus.Confirmed);
            foreach (var status in new[] { OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered })
            {
                await AdvanceAsync(id, status);
            }

            var inbox = await InboxWithAsync(client, 9);

            Assert.Equal(
                ["Delivered", "OutForDelivery", "ReadyForDelivery", "Cooking", "PaymentConfirmed", "PaymentRequested", "PaymentFailed", "PaymentRequested", "OrderPlaced"],
                Kinds(inbox));
            Assert.Contains("Rate your order", inbox.GetProperty("items")[0].GetProperty("body").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reading_one_and_then_all_notifications_clears_the_unread_count()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var order = await DeliveryApplication.PlaceItemOrderAsync(client, paymentType: "QrCode");
            var inbox = await InboxWithAsync(client, 2);
            var newest = inbox.GetProperty("items")[0].GetProperty("id").GetGuid();

            using var read = await client.PostAsync($"/api/notifications/{newest}/read", null, Cancellation);
            var afterOne = await InboxAsync(client);
            var unreadOnly = await InboxAsync(client, "?unreadOnly=true");
            using var readAll = await client.PostAsync("/api/notifications/read-all", null, Cancellation);
            var afterAll = await InboxAsync(client);

            Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
            Assert.True(afterOne.GetProperty("items")[0].GetProperty("read").GetBoolean());
            Assert.Equal((2, 1), (afterOne.GetProperty("total").GetInt32(), afterOne.GetProperty("unread").GetInt32()));
            Assert.Equal(["OrderPlaced"], Kinds(unreadOnly));
            Assert.Equal(HttpStatusCode.NoContent, readAll.StatusCode);
            Assert.Equal(0, afterAll.GetProperty("unread").GetInt32());
            Assert.All(afterAll.GetProperty("items").EnumerateArray(), n => Assert.True(n.GetProperty("read").GetBoolean()));
            Assert.Equal(order.GetProperty("id").GetGuid(), afterAll.GetProperty("items")[1].GetProperty("orderId").GetGuid());
        }
    }

    [Fact]
    public async Task The_inbox_pages_newest_first()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            await DeliveryApplication.PlaceItemOrderAsync(client, paymentType: "Card");
            var all = await InboxWithAsync(client, 2);

            var second = await InboxAsync(client, "?page=2&pageSize=1");
            using var tooBig = await client.GetAsync("/api/notifications?pageSize=101", Cancellation);

            Assert.Equal(2, second.GetProperty("total").GetInt32());
            Assert.Equal(all.GetProperty("items")[1].GetProperty("id").GetGuid(), Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
            Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
            Assert.True((await tooBig.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("errors").TryGetProperty("pageSize", out _));
        }
    }

    [Fact]
    public async Task Another_customers_notification_and_an_unknown_one_are_not_found()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            await DeliveryApplication.PlaceItemOrderAsync(alice);
            var alicesNotification = (await InboxWithAsync(alice, 1)).GetProperty("items")[0].GetProperty("id").GetGuid();

            using var bobReads = await bob.PostAsync($"/api/notifications/{alicesNotification}/read", null, Cancellation);
            using var unknown = await alice.PostAsync($"/api/notifications/{Guid.NewGuid()}/read", null, Cancellation);
            using var anonymous = app.CreateClient();
            using var signedOut = await anonymous.GetAsync("/api/notifications", Cancellation);

            Assert.Equal(HttpStatusCode.NotFound, bobReads.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, signedOut.StatusCode);
            Assert.False((await InboxAsync(alice)).GetProperty("items")[0].GetProperty("read").GetBoolean());
            Assert.Equal(0, (await InboxAsync(bob)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task A_customer_who_prefers_email_gets_an_email_about_the_order()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            using var settings = await client.PutAsJsonAsync("/api/me/settings", new { preferredChannel = "Email" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);

            var order = await DeliveryApplication.PlaceItemOrderAsync(client);
            var number = order.GetProperty("number").GetString();

            var mailbox = await Wait.UntilAsync(
                () => MailboxAsync(client, customer.Email),
                m => m.GetProperty("items").EnumerateArray().Any(e => e.GetProperty("subject").GetString() == $"Order {number} placed"),
                TimeSpan.FromSeconds(30),
                "the order email");
            var email = mailbox.GetProperty("items").EnumerateArray().First(e => e.GetProperty("subject").GetString() == $"Order {number} placed");
            Assert.Equal(customer.Email, email.GetProperty("to").GetString());
            Assert.Contains("Hello Ada", email.GetProperty("body").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_notifications_off_the_inbox_keeps_the_order_but_no_email_is_sent()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            using var settings = await client.PutAsJsonAsync("/api/me/settings", new { preferredChannel = "Email", notificationsEnabled = false }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);

            await DeliveryApplication.PlaceItemOrderAsync(client);
            // The inbox is written after the email is queued and tried, so once it shows the order no email can follow.
            var inbox = await InboxWithAsync(client, 1);

            Assert.Equal(["OrderPlaced"], Kinds(inbox));
            var subjects = (await MailboxAsync(client, customer.Email)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("subject").GetString());
            Assert.Equal(["Your OrleansDelivery verification code"], subjects);
        }
    }

    [Fact]
    public async Task A_customer_who_prefers_push_gets_no_order_email()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            await DeliveryApplication.PlaceItemOrderAsync(client);
            await InboxWithAsync(client, 1);

            var subjects = (await MailboxAsync(client, customer.Email)).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("subject").GetString());
            Assert.Equal(["Your OrleansDelivery verification code"], subjects);
        }
    }
}
