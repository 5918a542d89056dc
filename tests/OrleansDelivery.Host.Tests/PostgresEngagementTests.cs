using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Ratings;
using OrleansDelivery.Statistics;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>Ratings, alerts, favourites and statistics written as JSON rows and read back by a new node.</summary>
public sealed class PostgresEngagementTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_rating_an_alert_a_favourite_and_statistics_survive_a_restart()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        AuthenticationHeaderValue token;
        Guid customerId, orderId, productId;
        await using (var first = Seeding(DeliveryApplication.OnPostgres(connectionString, clusterId: "engagement-first")).Start())
        {
            var (customer, client) = await first.SignedInCustomerAsync();
            using (client)
            {
                customerId = customer.Id;
                token = client.DefaultRequestHeaders.Authorization!;
                productId = (await DeliveryApplication.FindProductAsync(client, "Greek Salad")).GetProperty("id").GetGuid();
                orderId = (await DeliveryApplication.PlaceOrderAsync(client, ("Greek Salad", 2))).GetProperty("id").GetGuid();
                await first.DeliverAsync(orderId);
                using var rated = await client.PostAsJsonAsync($"/api/orders/{orderId}/rating", new { stars = 1, comment = "Soggy" }, Cancellation);
                Assert.Equal(HttpStatusCode.Created, rated.StatusCode);
                using var saved = await client.PostAsJsonAsync($"/api/orders/{orderId}/favorite", new { name = "Salad days" }, Cancellation);
                Assert.Equal(HttpStatusCode.Created, saved.StatusCode);
                var statistics = first.Services.GetRequiredService<IGrainFactory>().GetGrain<ICustomerStatisticsGrain>(customerId);
                await Wait.UntilAsync(() => statistics.GetAsync(StatisticsPeriod.All), s => s.OrderCount == 1, TimeSpan.FromSeconds(60), "the delivered order in the statistics");
            }
        }

        await using var second = Seeding(DeliveryApplication.OnPostgres(connectionString, clusterId: "engagement-second")).Start();
        using var again = second.CreateClient();
        again.DefaultRequestHeaders.Authorization = token;

        var order = await again.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", Cancellation);
        Assert.Equal((1, "Soggy"), (order.GetProperty("rating").GetProperty("stars").GetInt32(), order.GetProperty("rating").GetProperty("comment").GetString()));
        var rating = (await again.GetFromJsonAsync<JsonElement>($"/api/products/{productId}", Cancellation)).GetProperty("rating");
        Assert.Equal((1m, 1), (rating.GetProperty("average").GetDecimal(), rating.GetProperty("count").GetInt32()));
        var favorite = (await again.GetFromJsonAsync<JsonElement>("/api/favorites", Cancellation)).GetProperty("items")[0];
        Assert.Equal(("Salad days", 2), (favorite.GetProperty("name").GetString(), favorite.GetProperty("lines")[0].GetProperty("quantity").GetInt32()));
        var stats = await again.GetFromJsonAsync<JsonElement>("/api/stats/orders", Cancellation);
        Assert.Equal((1, 2), (stats.GetProperty("orderCount").GetInt32(), stats.GetProperty("itemCount").GetInt32()));
        var alerts = await second.Services.GetRequiredService<IGrainFactory>().GetGrain<ILowRatingAlertsGrain>(ILowRatingAlertsGrain.Key).GetAsync(null, 1, 10);
        Assert.Equal(orderId, Assert.Single(alerts.Items).OrderId);
        using var reorder = await again.PostAsync($"/api/favorites/{favorite.GetProperty("id").GetGuid()}/reorder", null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, reorder.StatusCode);
    }

    private static DeliveryApplication Seeding(DeliveryApplication node)
    {
        node.Settings["Catalog:SeedDemo"] = "true";
        return node;
    }
}
