using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Cart;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Tests;

/// <summary>Customers checking out their carts, following and cancelling their orders.</summary>
public sealed class OrderTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static readonly object CashOnFoot = new
    {
        deliveryMethod = "OnFoot", deliveryAddress = "12 Baker Street, London", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
    };

    private static async Task AddAsync(HttpClient client, JsonElement product, int quantity)
    {
        using var response = await client.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CheckoutAsync(HttpClient client, object request, string? idempotencyKey = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(request) };
        if (idempotencyKey is not null)
        {
            message.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(message, Cancellation);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation));
    }

    private static int Stock(JsonElement product) => product.GetProperty("stock").GetInt32();

    [Fact]
    public async Task A_cash_order_is_confirmed_at_once_with_prices_times_and_its_stock_set_aside()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var brownie = await DeliveryApplication.FindProductAsync(client, "Chocolate Brownie");
            await AddAsync(client, brownie, 2);

            var (status, order) = await CheckoutAsync(client, CashOnFoot);

            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal("Confirmed", order.GetProperty("status").GetString());
            Assert.Equal(["Placed", "Confirmed"], order.GetProperty("statusHistory").EnumerateArray().Select(c => c.GetProperty("status").GetString()));
            Assert.Equal([1L, 2L], order.GetProperty("statusHistory").EnumerateArray().Select(c => c.GetProperty("sequence").GetInt64()));
            Assert.Equal((7.80m, 2.50m, 10.30m), (order.GetProperty("productsPrice").GetDecimal(), order.GetProperty("deliveryPrice").GetDecimal(), order.GetProperty("totalPrice").GetDecimal()));
            Assert.Matches(@"^\d{8}-\d{4}$", order.GetProperty("number").GetString());
            Assert.True(order.GetProperty("couldBeCancelled").GetBoolean());
            Assert.Equal("+442079460958", order.GetProperty("delivery").GetProperty("contactPhone").GetString());
            var times = order.GetProperty("times");
            Assert.True(times.GetProperty("expectedDeliveryAt").GetDateTimeOffset() > times.GetProperty("expectedCookingEndAt").GetDateTimeOffset());

            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("total").GetInt32());
            Assert.Equal(Stock(brownie) - 2, Stock(await DeliveryApplication.FindProductAsync(client, "Chocolate Brownie")));
            Assert.NotEqual(Guid.Empty, customer.Id);
        }
    }

    [Fact]
    public async Task A_card_order_waits_for_its_payment()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            await AddAsync(client, await DeliveryApplication.FindProductAsync(client, "New York Cheesecake"), 1);

            var (status, order) = await CheckoutAsync(client, new { deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "Card" });

            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal("AwaitingPayment", order.GetProperty("status").GetString());
            Assert.Equal("Requested", order.GetProperty("payment").GetProperty("status").GetString());
            Assert.Equal(0m, order.GetProperty("deliveryPrice").GetDecimal());
        }
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_at_once_places_one_order()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            await AddAsync(client, await DeliveryApplication.FindProductAsync(client, "Panna Cotta"), 1);
            var key = Guid.NewGuid().ToString();

            var attempts = await Task.WhenAll(CheckoutAsync(client, CashOnFoot, key), CheckoutAsync(client, CashOnFoot, key));
            var retry = await CheckoutAsync(client, CashOnFoot, key);

            Assert.All(attempts.Append(retry), attempt => Assert.Equal(HttpStatusCode.Created, attempt.Status));
            Assert.Single(attempts.Append(retry).Select(a => a.Body.GetProperty("id").GetGuid()).Distinct());
            Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/orders", Cancellation)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task A_retried_checkout_leaves_what_was_put_in_the_cart_after_the_order()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var pannaCotta = await DeliveryApplication.FindProductAsync(client, "Panna Cotta");
            await AddAsync(client, pannaCotta, 1);
            var key = Guid.NewGuid().ToString();
            var placed = await CheckoutAsync(client, CashOnFoot, key);
            Assert.Equal(HttpStatusCode.Created, placed.Status);
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("items").GetArrayLength());

            // The next order's dish goes in, then the first checkout's answer is retried (it was lost, say).
            await AddAsync(client, pannaCotta, 1);
            var retry = await CheckoutAsync(client, CashOnFoot, key);

            Assert.Equal(HttpStatusCode.Created, retry.Status);
            Assert.Equal(placed.Body.GetProperty("id").GetGuid(), retry.Body.GetProperty("id").GetGuid());
            var cart = await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation);
            Assert.Equal([pannaCotta.GetProperty("id").GetGuid()], cart.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("productId").GetGuid()));
        }
    }

    [Fact]
    public async Task A_retried_checkout_empties_the_cart_its_first_attempt_placed_the_order_from_but_did_not_empty()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var pannaCotta = await DeliveryApplication.FindProductAsync(client, "Panna Cotta");
            await AddAsync(client, pannaCotta, 1);
            var key = Guid.NewGuid().ToString();

            // The first attempt as a failover leaves it: the order placed from the cart, the cart not yet emptied.
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var cart = await grains.GetGrain<ICartGrain>(customer.Id).GetAsync();
            var line = Assert.Single(cart.Lines);
            var firstAttempt = await grains.GetGrain<IOrderGrain>(OrderIds.ForIdempotencyKey(customer.Id, key)).PlaceAsync(new PlaceOrder(
                customer.Id, "20261123-9001", [new OrderLine(line.ProductId, line.Name, line.UnitPrice, line.Quantity, null)],
                new DeliveryDetails(DeliveryMethod.Pickup, null, "Ada", "+442079460958"), PaymentType.CashOnDelivery, null, null, cart.Currency, cart.Version));
            Assert.IsType<PlaceResult.Placed>(firstAttempt);

            var retry = await CheckoutAsync(client, CashOnFoot, key);

            Assert.Equal(HttpStatusCode.Created, retry.Status);
            Assert.Equal("20261123-9001", retry.Body.GetProperty("number").GetString());
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("items").GetArrayLength());
        }
    }

    [Fact]
    public async Task More_than_the_stock_is_refused_with_the_stock_message()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var pho = await DeliveryApplication.FindProductAsync(client, "Beef Pho");
            await AddAsync(client, pho, Stock(pho) + 1);

            var (status, problem) = await CheckoutAsync(client, CashOnFoot);

            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Equal($"Product Beef Pho has only {Stock(pho)} items in stock", problem.GetProperty("detail").GetString());
            Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Cancelling_releases_the_stock_and_a_second_cancel_is_refused()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var mochi = await DeliveryApplication.FindProductAsync(client, "Mochi Ice Cream (3 pieces)");
            await AddAsync(client, mochi, 3);
            var (_, order) = await CheckoutAsync(client, CashOnFoot);
            var id = order.GetProperty("id").GetGuid();

            using var cancel = await client.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "Ordered by mistake" }, Cancellation);
            using var again = await client.PostAsJsonAsync($"/api/orders/{id}/cancel", new { reason = "again" }, Cancellation);

            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            var cancelled = await cancel.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
            Assert.Equal("Ordered by mistake", cancelled.GetProperty("cancellationReason").GetString());
            Assert.False(cancelled.GetProperty("couldBeCancelled").GetBoolean());
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Equal("Order is already cancelled", (await again.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("detail").GetString());
            Assert.Equal(Stock(mochi), Stock(await DeliveryApplication.FindProductAsync(client, "Mochi Ice Cream (3 pieces)")));

            var history = await client.GetFromJsonAsync<JsonElement>("/api/orders?status=Cancelled", Cancellation);
            Assert.Equal(id, Assert.Single(history.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/orders/pending", Cancellation)).GetProperty("total").GetInt32());
        }
    }

    [Fact]
    public async Task Another_customers_order_is_not_found()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            await AddAsync(alice, await DeliveryApplication.FindProductAsync(alice, "Fresh Fruit Salad"), 1);
            var (_, order) = await CheckoutAsync(alice, CashOnFoot);
            var id = order.GetProperty("id").GetGuid();

            using var read = await bob.GetAsync($"/api/orders/{id}", Cancellation);
            using var cancel = await bob.PostAsJsonAsync($"/api/orders/{id}/cancel", new { }, Cancellation);

            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/orders/{id}", Cancellation)).StatusCode);
        }
    }

    [Fact]
    public async Task An_empty_cart_or_missing_fields_cannot_be_checked_out()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var (emptyStatus, empty) = await CheckoutAsync(client, CashOnFoot);
            Assert.Equal(HttpStatusCode.Conflict, emptyStatus);
            Assert.Equal("The cart is empty.", empty.GetProperty("detail").GetString());

            var (missingStatus, missing) = await CheckoutAsync(client, new { deliveryMethod = "Car" });
            Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
            Assert.Equal(
                ["contactName", "contactPhone", "deliveryAddress", "paymentType"],
                missing.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));

            var (unknownStatus, _) = await CheckoutAsync(client, new { deliveryMethod = "Helicopter", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "Card" });
            Assert.Equal(HttpStatusCode.BadRequest, unknownStatus);
        }
    }
}
