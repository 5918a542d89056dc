using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Host.Payments;
using OrleansDelivery.Payments;

namespace OrleansDelivery.Host.Tests;

/// <summary>Customers paying their orders by card and by QR code, and the bank confirming QR payments.</summary>
public sealed class PaymentTests(PaymentTests.PaymentHost host) : IClassFixture<PaymentTests.PaymentHost>
{
    private const string ApprovedCard = "4242 4242 4242 4242";
    private const string DeclinedCard = "4000 0000 0000 0002";
    private const string GatewayErrorCard = "4000 0000 0000 0119";

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private DeliveryApplication App => host.App;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The application with a webhook secret of its own, shared by the tests of this class.</summary>
    public sealed class PaymentHost : IAsyncDisposable
    {
        public const string WebhookSecret = "payment-tests-webhook-secret";

        public DeliveryApplication App { get; } = DeliveryApplication.With(new Dictionary<string, string?> { ["Payments:WebhookSecret"] = WebhookSecret });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static object Card(string number, string cvc = "123", int? month = 12, int? year = null, string holder = "Ada Lovelace") =>
        new { card = new { number, expiryMonth = month, expiryYear = year ?? DateTime.UtcNow.Year + 3, cvc, holder } };

    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> PayAsync(HttpClient client, Guid orderId, object request)
    {
        using var response = await client.PostAsJsonAsync($"/api/orders/{orderId}/payment", request, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static async Task<JsonElement> GetOrderAsync(HttpClient client, Guid orderId) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Cancellation);

    private static Guid Id(JsonElement order) => order.GetProperty("id").GetGuid();

    private static string? Status(JsonElement order) => order.GetProperty("status").GetString();

    private static string? PaymentStatus(JsonElement order) => order.GetProperty("payment").GetProperty("status").GetString();

    /// <summary>Every value in a JSON document, as text: a stored CVC would be one of them.</summary>
    private static IEnumerable<string> Values(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(property => Values(property.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Values),
        JsonValueKind.String => [element.GetString()!],
        _ => [element.GetRawText()],
    };

    private async Task<HttpResponseMessage> SendWebhookAsync(object notification, Func<byte[], string?>? sign = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notification);
        using var anonymous = App.CreateClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhook") { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json");
        if ((sign ?? (raw => WebhookSignature.Sign(PaymentHost.WebhookSecret, raw)))(body) is { } signature)
        {
            message.Headers.Add(WebhookSignature.Header, signature);
        }

        return await anonymous.SendAsync(message, Cancellation);
    }

    [Fact]
    public async Task The_api_description_names_the_payment_endpoints_and_says_a_decline_is_a_402()
    {
        using var client = App.CreateClient();

        var paths = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancellation)).GetProperty("paths");

        var pay = paths.GetProperty("/api/orders/{id}/payment").GetProperty("post");
        Assert.Equal("PayByCard", pay.GetProperty("operationId").GetString());
        Assert.Contains("402 \"The card was declined\"", pay.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("RequestPaymentQr", paths.GetProperty("/api/orders/{id}/payment/qr").GetProperty("post").GetProperty("operationId").GetString());
        Assert.Equal("PaymentWebhook", paths.GetProperty("/api/payments/webhook").GetProperty("post").GetProperty("operationId").GetString());
    }

    [Fact]
    public async Task An_approved_card_confirms_the_order_and_only_brand_and_last_four_are_kept()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var order = await DeliveryApplication.PlaceOrderAsync(client, "Card");

            var (status, paid, text) = await PayAsync(client, Id(order), Card(ApprovedCard, cvc: "987"));

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(("Confirmed", "Confirmed"), (Status(paid), PaymentStatus(paid)));
            Assert.Equal(("Visa", "4242"), (paid.GetProperty("payment").GetProperty("cardBrand").GetString(), paid.GetProperty("payment").GetProperty("cardLast4").GetString()));
            Assert.Equal("payment", paid.GetProperty("statusHistory").EnumerateArray().Last().GetProperty("by").GetString());
            Assert.Equal(order.GetProperty("totalPrice").GetDecimal(), paid.GetProperty("payment").GetProperty("amount").GetDecimal());
            Assert.NotEqual(JsonValueKind.Null, paid.GetProperty("times").GetProperty("paidAt").ValueKind);

            // Neither the answer, nor the order read later, nor the payment record, nor the log holds the number or the CVC.
            var read = JsonSerializer.Serialize(await GetOrderAsync(client, Id(order)));
            var record = JsonSerializer.Serialize(await App.Services.GetRequiredService<IGrainFactory>().GetGrain<IPaymentGrain>(Id(order)).GetAsync());
            var log = App.Logs.Messages("OrleansDelivery.Grains.Payments.PaymentGrain").ToList();
            Assert.Contains(log, line => line.Contains("ending 4242", StringComparison.Ordinal));
            foreach (var stored in new[] { text, read, record }.Concat(log))
            {
                Assert.DoesNotContain("4242424242424242", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("4242 4242 4242 4242", stored, StringComparison.Ordinal);
                Assert.DoesNotContain("cvc", stored, StringComparison.OrdinalIgnoreCase);
            }

            foreach (var json in new[] { text, read, record })
            {
                Assert.DoesNotContain("987", Values(JsonDocument.Parse(json).RootElement));
            }
        }
    }

    [Fact]
    public async Task A_declined_card_fails_the_payment_and_another_card_then_pays()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var id = Id(await DeliveryApplication.PlaceOrderAsync(client, "Card"));

            var (declinedStatus, declined, _) = await PayAsync(client, id, Card(DeclinedCard));
            var failed = await GetOrderAsync(client, id);
            var (retryStatus, retried, _) = await PayAsync(client, id, Card(ApprovedCard));

            Assert.Equal(HttpStatusCode.PaymentRequired, declinedStatus);
            Assert.Equal("The card was declined", declined.GetProperty("title").GetString());
            Assert.Equal(("PaymentFailed", "Failed"), (Status(failed), PaymentStatus(failed)));
            Assert.True(failed.GetProperty("couldBeCancelled").GetBoolean());
            Assert.Equal(HttpStatusCode.OK, retryStatus);
            Assert.Equal(("Confirmed", "Confirmed"), (Status(retried), PaymentStatus(retried)));
            Assert.Equal(2, retried.GetProperty("payment").GetProperty("attempts").GetInt32());
            Assert.Equal(
                ["Placed", "AwaitingPayment", "PaymentFailed", "AwaitingPayment", "Confirmed"],
                retried.GetProperty("statusHistory").EnumerateArray().Select(change => change.GetProperty("status").GetString()));
        }
    }

    [Fact]
    public async Task A_gateway_error_is_a_502_and_the_order_can_still_be_paid()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var id = Id(await DeliveryApplication.PlaceOrderAsync(client, "Card"));

            var (errorStatus, _, _) = await PayAsync(client, id, Card(GatewayErrorCard));
            var waiting = await GetOrderAsync(client, id);
            var (retryStatus, retried, _) = await PayAsync(client, id, Card(ApprovedCard));

            Assert.Equal(HttpStatusCode.BadGateway, errorStatus);
            Assert.Equal(("AwaitingPayment", "Requested"), (Status(waiting), PaymentStatus(waiting)));
            Assert.Equal(HttpStatusCode.OK, retryStatus);
            Assert.Equal("Confirmed", Status(retried));
        }
    }

    [Fact]
    public async Task Invalid_card_fields_are_refused_each_by_name()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var id = Id(await DeliveryApplication.PlaceOrderAsync(client, "Card"));

            var (status, problem, _) = await PayAsync(client, id, Card("4242 4242 4242 4241", cvc: "12", month: 13, year: DateTime.UtcNow.Year - 1, holder: " "));
            var (shortStatus, tooShort, _) = await PayAsync(client, id, Card("4242 4242 42", cvc: "12345"));
            var (missingStatus, missing, _) = await PayAsync(client, id, new { });

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal(
                ["card.cvc", "card.expiryMonth", "card.expiryYear", "card.holder", "card.number"],
                problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
            Assert.Equal(HttpStatusCode.BadRequest, shortStatus);
            Assert.Equal(["card.cvc", "card.number"], tooShort.GetProperty("errors").EnumerateObject().Select(error => error.Name).Order(StringComparer.Ordinal));
            Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
            Assert.Equal(["card"], missing.GetProperty("errors").EnumerateObject().Select(error => error.Name));
            Assert.Equal("AwaitingPayment", Status(await GetOrderAsync(client, id)));
        }
    }

    [Fact]
    public async Task Another_customers_order_cannot_be_paid_or_shown_a_qr_code()
    {
        var (_, alice) = await App.SignedInCustomerAsync();
        var (_, bob) = await App.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            var card = Id(await DeliveryApplication.PlaceOrderAsync(alice, "Card"));
            var qr = Id(await DeliveryApplication.PlaceOrderAsync(alice, "QrCode"));

            var (payStatus, _, _) = await PayAsync(bob, card, Card(ApprovedCard));
            using var qrResponse = await bob.PostAsync($"/api/orders/{qr}/payment/qr", null, Cancellation);

            Assert.Equal(HttpStatusCode.NotFound, payStatus);
            Assert.Equal(HttpStatusCode.NotFound, qrResponse.StatusCode);
            Assert.Equal("AwaitingPayment", Status(await GetOrderAsync(alice, card)));
        }
    }

    [Fact]
    public async Task A_cash_order_or_a_paid_one_cannot_be_paid_by_card()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var cash = Id(await DeliveryApplication.PlaceOrderAsync(client, "CashOnDelivery"));
            var card = Id(await DeliveryApplication.PlaceOrderAsync(client, "Card"));
            await PayAsync(client, card, Card(ApprovedCard));

            var (cashStatus, cashProblem, _) = await PayAsync(client, cash, Card(ApprovedCard));
            var (againStatus, again, _) = await PayAsync(client, card, Card(ApprovedCard));
            using var qrForCard = await client.PostAsync($"/api/orders/{card}/payment/qr", null, Cancellation);

            Assert.Equal(HttpStatusCode.Conflict, cashStatus);
            Assert.Equal("This order is paid on delivery", cashProblem.GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.Conflict, againStatus);
            Assert.Equal("The order is already paid", again.GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.Conflict, qrForCard.StatusCode);
            Assert.Equal(("Confirmed", "Requested"), (Status(await GetOrderAsync(client, cash)), PaymentStatus(await GetOrderAsync(client, cash))));
        }
    }

    [Fact]
    public async Task A_qr_code_is_a_png_and_the_banks_signed_confirmation_pays_the_order_once()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var order = await DeliveryApplication.PlaceOrderAsync(client, "QrCode", "Funghi", 2);
            var id = Id(order);
            var total = order.GetProperty("totalPrice").GetDecimal();

            using var qrResponse = await client.PostAsync($"/api/orders/{id}/payment/qr", null, Cancellation);
            Assert.Equal(HttpStatusCode.OK, qrResponse.StatusCode);
            var qr = await qrResponse.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            var png = Convert.FromBase64String(qr.GetProperty("pngBase64").GetString()!);
            Assert.Equal(PngSignature, png.Take(PngSignature.Length));
            Assert.True(qr.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
            var payload = qr.GetProperty("qrPayload").GetString()!;
            var reference = payload["ODPAY:".Length..payload.IndexOf('?', StringComparison.Ordinal)];

            var confirmation = new { reference, status = "Confirmed", amount = total, currency = order.GetProperty("currency").GetString() };
            using var unsigned = await SendWebhookAsync(confirmation, _ => null);
            using var forged = await SendWebhookAsync(confirmation, raw => WebhookSignature.Sign("not-the-secret", raw));
            using var wrongAmount = await SendWebhookAsync(confirmation with { amount = total - 1 });
            using var unknown = await SendWebhookAsync(confirmation with { reference = PaymentReferences.Create(Guid.NewGuid(), 1) });
            Assert.Equal(
                [HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Conflict, HttpStatusCode.NotFound],
                new[] { unsigned.StatusCode, forged.StatusCode, wrongAmount.StatusCode, unknown.StatusCode });
            Assert.Equal("AwaitingPayment", Status(await GetOrderAsync(client, id)));

            using var confirmed = await SendWebhookAsync(confirmation);
            using var replayed = await SendWebhookAsync(confirmation);

            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (confirmed.StatusCode, replayed.StatusCode));
            Assert.True((await replayed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("repeated").GetBoolean());
            var paid = await GetOrderAsync(client, id);
            Assert.Equal(("Confirmed", "Confirmed"), (Status(paid), PaymentStatus(paid)));
            Assert.Single(paid.GetProperty("statusHistory").EnumerateArray(), change => change.GetProperty("status").GetString() == "Confirmed");
            Assert.Equal(reference, paid.GetProperty("payment").GetProperty("reference").GetString());
        }
    }

    [Fact]
    public async Task A_failed_bank_transfer_fails_the_order_and_a_new_qr_code_pays_it()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var order = await DeliveryApplication.PlaceOrderAsync(client, "QrCode");
            var id = Id(order);
            async Task<string> ReferenceAsync()
            {
                using var response = await client.PostAsync($"/api/orders/{id}/payment/qr", null, Cancellation);
                var payload = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("qrPayload").GetString()!;
                return payload["ODPAY:".Length..payload.IndexOf('?', StringComparison.Ordinal)];
            }

            var first = await ReferenceAsync();
            using var failed = await SendWebhookAsync(new { reference = first, status = "Failed", amount = order.GetProperty("totalPrice").GetDecimal(), currency = "EUR" });
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            Assert.Equal(("PaymentFailed", "Failed"), (Status(await GetOrderAsync(client, id)), PaymentStatus(await GetOrderAsync(client, id))));

            var second = await ReferenceAsync();
            Assert.Equal("AwaitingPayment", Status(await GetOrderAsync(client, id)));
            using var confirmed = await SendWebhookAsync(new { reference = second, status = "Confirmed", amount = order.GetProperty("totalPrice").GetDecimal(), currency = "EUR" });

            Assert.NotEqual(first, second);
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
            Assert.Equal("Confirmed", Status(await GetOrderAsync(client, id)));
        }
    }

    [Fact]
    public async Task Cancelling_a_paid_order_refunds_it_and_an_unpaid_one_cancels_its_payment()
    {
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var paid = Id(await DeliveryApplication.PlaceOrderAsync(client, "Card"));
            var unpaid = Id(await DeliveryApplication.PlaceOrderAsync(client, "QrCode"));
            await PayAsync(client, paid, Card(ApprovedCard));

            using var cancelPaid = await client.PostAsJsonAsync($"/api/orders/{paid}/cancel", new { reason = "Too late for lunch" }, Cancellation);
            using var cancelUnpaid = await client.PostAsJsonAsync($"/api/orders/{unpaid}/cancel", new { }, Cancellation);

            var refunded = await cancelPaid.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            Assert.Equal(("Cancelled", "Refunded"), (Status(refunded), PaymentStatus(refunded)));
            Assert.NotEqual(JsonValueKind.Null, refunded.GetProperty("payment").GetProperty("times").GetProperty("refundedAt").ValueKind);
            Assert.Equal("Refunded", PaymentStatus(await GetOrderAsync(client, paid)));
            Assert.Equal("Cancelled", PaymentStatus(await cancelUnpaid.Content.ReadFromJsonAsync<JsonElement>(Cancellation)));
            var (payCancelled, problem, _) = await PayAsync(client, unpaid, Card(ApprovedCard));
            Assert.Equal(HttpStatusCode.Conflict, payCancelled);
            Assert.Equal("The order is cancelled", problem.GetProperty("detail").GetString());
        }
    }
}

/// <summary>What a node with a short payment time and no webhook secret does.</summary>
public sealed class PaymentTimeoutTests(PaymentTimeoutTests.ShortTimeoutHost host) : IClassFixture<PaymentTimeoutTests.ShortTimeoutHost>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public sealed class ShortTimeoutHost : IAsyncDisposable
    {
        public DeliveryApplication App { get; } = DeliveryApplication.With(new Dictionary<string, string?> { ["Payments:Timeout"] = "00:00:02" });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    [Fact]
    public async Task An_unpaid_order_is_cancelled_when_its_time_is_up_and_its_stock_comes_back()
    {
        var (_, client) = await host.App.SignedInCustomerAsync();
        using (client)
        {
            var before = (await DeliveryApplication.FindProductAsync(client, "Quattro Formaggi")).GetProperty("stock").GetInt32();
            var order = await DeliveryApplication.PlaceOrderAsync(client, "QrCode", "Quattro Formaggi", 3);
            Assert.Equal(before - 3, (await DeliveryApplication.FindProductAsync(client, "Quattro Formaggi")).GetProperty("stock").GetInt32());

            var cancelled = await OrleansDelivery.Testing.Wait.UntilAsync(
                () => client.GetFromJsonAsync<JsonElement>($"/api/orders/{order.GetProperty("id").GetGuid()}", Cancellation),
                read => read.GetProperty("status").GetString() == "Cancelled",
                TimeSpan.FromSeconds(60),
                "the unpaid order to be cancelled");
            var product = await OrleansDelivery.Testing.Wait.UntilAsync(
                () => DeliveryApplication.FindProductAsync(client, "Quattro Formaggi"),
                found => found.GetProperty("stock").GetInt32() == before,
                TimeSpan.FromSeconds(30),
                "the stock to come back");

            Assert.Equal("payment-timeout", cancelled.GetProperty("statusHistory").EnumerateArray().Last().GetProperty("by").GetString());
            Assert.Equal("Cancelled", cancelled.GetProperty("payment").GetProperty("status").GetString());
            Assert.Equal(before, product.GetProperty("stock").GetInt32());
        }
    }

    [Fact]
    public async Task Without_a_secret_the_webhook_is_unavailable()
    {
        using var client = host.App.CreateClient();
        var body = """{"reference":"OD-00000000000000000000000000000000-1","status":"Confirmed","amount":1,"currency":"EUR"}""";

        using var response = await client.PostAsync("/api/payments/webhook", new StringContent(body, Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Payments webhook is not configured", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("title").GetString());
    }

    [Fact]
    public void A_payment_time_that_is_not_positive_stops_startup()
    {
        using var app = DeliveryApplication.With(new Dictionary<string, string?> { ["Payments:Timeout"] = "00:00:00" });

        var error = Assert.ThrowsAny<Exception>(() => app.Start());

        Assert.Contains("Payments:Timeout", error.ToString(), StringComparison.Ordinal);
    }
}
