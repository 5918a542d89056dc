using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansDelivery.Host.Tests;

/// <summary>Customers rating their delivered orders; staff reading the low ratings.</summary>
public sealed class RatingTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> RateAsync(HttpClient client, Guid orderId, int? stars, string? comment = null)
    {
        using var response = await client.PostAsJsonAsync($"/api/orders/{orderId}/rating", new { stars, comment }, Cancellation);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation));
    }

    private async Task<Guid> DeliveredOrderAsync(HttpClient client, string product)
    {
        var id = (await DeliveryApplication.PlaceOrderAsync(client, (product, 1))).GetProperty("id").GetGuid();
        await app.DeliverAsync(id);
        return id;
    }

    private static async Task<JsonElement> RatingOfAsync(HttpClient client, Guid productId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/products/{productId}", Cancellation)).GetProperty("rating");

    [Fact]
    public async Task Rating_a_delivered_order_shows_on_the_order_and_moves_the_products_average()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            var productId = (await DeliveryApplication.FindProductAsync(alice, "Quattro Formaggi")).GetProperty("id").GetGuid();
            var alicesOrder = await DeliveredOrderAsync(alice, "Quattro Formaggi");
            var bobsOrder = await DeliveredOrderAsync(bob, "Quattro Formaggi");

            var (status, rating) = await RateAsync(alice, alicesOrder, 4, "  Lovely and hot  ");
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal((4, "Lovely and hot"), (rating.GetProperty("stars").GetInt32(), rating.GetProperty("comment").GetString()));
            var order = await alice.GetFromJsonAsync<JsonElement>($"/api/orders/{alicesOrder}", Cancellation);
            Assert.Equal(4, order.GetProperty("rating").GetProperty("stars").GetInt32());
            Assert.Equal((4m, 1), (await RatingOfAsync(alice, productId)).AverageAndCount());

            Assert.Equal(HttpStatusCode.Created, (await RateAsync(bob, bobsOrder, 5)).Status);
            Assert.Equal((4.5m, 2), (await RatingOfAsync(alice, productId)).AverageAndCount());
        }
    }

    [Fact]
    public async Task An_order_is_rated_once_and_only_after_delivery()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var productId = (await DeliveryApplication.FindProductAsync(client, "Funghi")).GetProperty("id").GetGuid();
            var pending = (await DeliveryApplication.PlaceOrderAsync(client, ("Funghi", 1))).GetProperty("id").GetGuid();

            var (earlyStatus, early) = await RateAsync(client, pending, 5);
            Assert.Equal(HttpStatusCode.Conflict, earlyStatus);
            Assert.Equal("Only a delivered order can be rated", early.GetProperty("title").GetString());

            await app.DeliverAsync(pending);
            Assert.Equal(HttpStatusCode.Created, (await RateAsync(client, pending, 5)).Status);
            var (againStatus, again) = await RateAsync(client, pending, 1);
            Assert.Equal(HttpStatusCode.Conflict, againStatus);
            Assert.Equal("This order is rated already", again.GetProperty("title").GetString());

            var order = await client.GetFromJsonAsync<JsonElement>($"/api/orders/{pending}", Cancellation);
            Assert.Equal(5, order.GetProperty("rating").GetProperty("stars").GetInt32());
            Assert.Equal((5m, 1), (await RatingOfAsync(client, productId)).AverageAndCount());
        }
    }

    [Fact]
    public async Task Stars_out_of_range_or_a_long_comment_are_refused_naming_the_field()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var id = await DeliveredOrderAsync(client, "Marinara");

            foreach (var stars in new int?[] { null, 0, 6 })
            {
                var (status, problem) = await RateAsync(client, id, stars);
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Equal(["stars"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
            }

            var (longStatus, longProblem) = await RateAsync(client, id, 3, new string('a', 1001));
            Assert.Equal(HttpStatusCode.BadRequest, longStatus);
            Assert.Equal(["comment"], longProblem.GetProperty("errors").EnumerateObject().Select(e => e.Name));

            Assert.Equal(HttpStatusCode.Created, (await RateAsync(client, id, 3, new string('a', 1000))).Status);
        }
    }

    [Fact]
    public async Task Another_customers_order_cannot_be_rated()
    {
        var (_, alice) = await app.SignedInCustomerAsync();
        var (_, bob) = await app.SignedInCustomerAsync();
        using (alice)
        using (bob)
        {
            var id = await DeliveredOrderAsync(alice, "Vegetariana");

            Assert.Equal(HttpStatusCode.NotFound, (await RateAsync(bob, id, 1)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await RateAsync(bob, Guid.NewGuid(), 1)).Status);
            Assert.Equal(JsonValueKind.Null, (await alice.GetFromJsonAsync<JsonElement>($"/api/orders/{id}", Cancellation)).GetProperty("rating").ValueKind);
            Assert.Equal(HttpStatusCode.Created, (await RateAsync(alice, id, 4)).Status);
        }
    }

    [Fact]
    public async Task A_low_rating_alerts_staff_who_acknowledge_it_and_customers_cannot_see_alerts()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        var (_, staff) = await app.SignedInStaffAsync();
        using (client)
        using (staff)
        {
            var low = await DeliveredOrderAsync(client, "Prosciutto e Rucola");
            var fine = await DeliveredOrderAsync(client, "Diavola");
            Assert.Equal(HttpStatusCode.Created, (await RateAsync(client, low, 2, "Cold and late")).Status);
            Assert.Equal(HttpStatusCode.Created, (await RateAsync(client, fine, 3)).Status);

            using (var forbidden = await client.GetAsync("/api/staff/alerts", Cancellation))
            {
                Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            }

            var alerts = await staff.GetFromJsonAsync<JsonElement>("/api/staff/alerts?open=true", Cancellation);
            var mine = alerts.GetProperty("items").EnumerateArray().Where(a => a.GetProperty("customerId").GetGuid() == customer.Id).ToList();
            var alert = Assert.Single(mine);
            Assert.Equal(low, alert.GetProperty("orderId").GetGuid());
            Assert.Equal((2, "Cold and late"), (alert.GetProperty("stars").GetInt32(), alert.GetProperty("comment").GetString()));
            Assert.Matches(@"^\d{8}-\d{4}$", alert.GetProperty("orderNumber").GetString());
            Assert.True(alerts.GetProperty("total").GetInt32() >= 1);

            var alertId = alert.GetProperty("id").GetGuid();
            using (var forbiddenAck = await client.PostAsync($"/api/staff/alerts/{alertId}/acknowledge", null, Cancellation))
            {
                Assert.Equal(HttpStatusCode.Forbidden, forbiddenAck.StatusCode);
            }

            using (var ack = await staff.PostAsync($"/api/staff/alerts/{alertId}/acknowledge", null, Cancellation))
            {
                Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
                Assert.NotEqual(JsonValueKind.Null, (await ack.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("acknowledgedAt").ValueKind);
            }

            var open = await staff.GetFromJsonAsync<JsonElement>("/api/staff/alerts?open=true", Cancellation);
            Assert.DoesNotContain(open.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == alertId);
            var all = await staff.GetFromJsonAsync<JsonElement>("/api/staff/alerts", Cancellation);
            Assert.Contains(all.GetProperty("items").EnumerateArray(), a => a.GetProperty("id").GetGuid() == alertId);
            using var unknown = await staff.PostAsync($"/api/staff/alerts/{Guid.NewGuid()}/acknowledge", null, Cancellation);
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }
    }
}

internal static class RatingJson
{
    public static (decimal Average, int Count) AverageAndCount(this JsonElement rating) =>
        (rating.GetProperty("average").GetDecimal(), rating.GetProperty("count").GetInt32());
}
