using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>A customer looking back at what they ordered.</summary>
public sealed class StatisticsTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static Task<JsonElement> StatsAsync(HttpClient client, string query = "") =>
        client.GetFromJsonAsync<JsonElement>($"/api/stats/orders{query}", Cancellation);

    [Fact]
    public async Task Statistics_count_two_delivered_orders_and_leave_the_cancelled_one_out_of_the_money()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var first = await DeliveryApplication.PlaceOrderAsync(client, ("Margherita", 2));
            var second = await DeliveryApplication.PlaceOrderAsync(client, ("Margherita", 1), ("Cola 0.33 l", 2));
            var cancelled = await DeliveryApplication.PlaceOrderAsync(client, ("Diavola", 4));
            await app.DeliverAsync(first.GetProperty("id").GetGuid());
            await app.DeliverAsync(second.GetProperty("id").GetGuid());
            using (var cancel = await client.PostAsJsonAsync($"/api/orders/{cancelled.GetProperty("id").GetGuid()}/cancel", new { }, Cancellation))
            {
                Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
            }

            // The statistics are a projection of the order events: they catch up shortly after.
            var stats = await Wait.UntilAsync(
                () => StatsAsync(client),
                s => s.GetProperty("orderCount").GetInt32() == 2 && s.GetProperty("cancelledCount").GetInt32() == 1,
                TimeSpan.FromSeconds(60),
                "two delivered orders and a cancelled one in the statistics");

            var spent = first.GetProperty("totalPrice").GetDecimal() + second.GetProperty("totalPrice").GetDecimal();
            Assert.Equal("all", stats.GetProperty("period").GetString());
            Assert.Equal(JsonValueKind.Null, stats.GetProperty("from").ValueKind);
            Assert.Equal(21.50m + 16.40m, spent);
            Assert.Equal(spent, stats.GetProperty("totalSpent").GetDecimal());
            Assert.Equal("EUR", stats.GetProperty("currency").GetString());
            Assert.Equal(5, stats.GetProperty("itemCount").GetInt32());
            Assert.Equal(Math.Round(spent / 2, 2), stats.GetProperty("averageOrder").GetDecimal());
            Assert.Equal(
                [("Margherita", 3), ("Cola 0.33 l", 2)],
                stats.GetProperty("topProducts").EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("quantity").GetInt32())));
            var place = Assert.Single(stats.GetProperty("deliveryPlaces").EnumerateArray());
            Assert.Equal(("12 Baker Street, London", 2), (place.GetProperty("address").GetString(), place.GetProperty("count").GetInt32()));
            Assert.True(stats.GetProperty("averageCookingMinutes").GetDouble() >= 0);
            Assert.True(stats.GetProperty("averageDeliveryMinutes").GetDouble() >= 0);

            foreach (var period in new[] { "day", "week", "month", "year" })
            {
                var within = await StatsAsync(client, $"?period={period}");
                Assert.Equal(period, within.GetProperty("period").GetString());
                Assert.Equal(2, within.GetProperty("orderCount").GetInt32());
                Assert.Equal(spent, within.GetProperty("totalSpent").GetDecimal());
                Assert.True(within.GetProperty("from").GetDateTimeOffset() < within.GetProperty("to").GetDateTimeOffset());
            }
        }
    }

    [Fact]
    public async Task A_new_customer_has_empty_statistics_and_an_unknown_period_is_refused()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var stats = await StatsAsync(client, "?period=week");
            Assert.Equal((0, 0m, 0), (stats.GetProperty("orderCount").GetInt32(), stats.GetProperty("totalSpent").GetDecimal(), stats.GetProperty("itemCount").GetInt32()));
            Assert.Equal(JsonValueKind.Null, stats.GetProperty("averageCookingMinutes").ValueKind);
            Assert.Empty(stats.GetProperty("topProducts").EnumerateArray());

            foreach (var period in new[] { "decade", "1", "day,week" })
            {
                using var response = await client.GetAsync($"/api/stats/orders?period={period}", Cancellation);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
                Assert.Equal(["period"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
            }
        }
    }
}
