using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>Payments on PostgreSQL: JSON rows without card data, a durable payment timeout, and a restart.</summary>
public sealed class PostgresPaymentTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_card_payment_is_stored_without_the_number_and_an_unpaid_order_times_out_and_both_survive_a_restart()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        Guid paidId, unpaidId;
        System.Net.Http.Headers.AuthenticationHeaderValue session;
        await using (var first = Node(connectionString, "payments-first").Start())
        {
            var (_, client) = await first.SignedInCustomerAsync();
            using (client)
            {
                session = client.DefaultRequestHeaders.Authorization!;
                paidId = (await DeliveryApplication.PlaceOrderAsync(client, "Card", "Diavola")).GetProperty("id").GetGuid();
                using var paid = await client.PostAsJsonAsync(
                    $"/api/orders/{paidId}/payment",
                    new { card = new { number = "4242 4242 4242 4242", expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 3, cvc = "123", holder = "Ada Lovelace" } },
                    Cancellation);
                Assert.Equal(HttpStatusCode.OK, paid.StatusCode);

                unpaidId = (await DeliveryApplication.PlaceOrderAsync(client, "QrCode", "Funghi")).GetProperty("id").GetGuid();
                await Wait.UntilAsync(
                    () => client.GetFromJsonAsync<JsonElement>($"/api/orders/{unpaidId}", Cancellation),
                    order => order.GetProperty("status").GetString() == "Cancelled",
                    TimeSpan.FromSeconds(60),
                    "the unpaid order to time out");
            }
        }

        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        await using (var rows = dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE payload->>'CardLast4' = '4242'),
                   count(*) FILTER (WHERE payload::text LIKE '%4242424242424242%' OR payload::text ILIKE '%cvc%')
            FROM orleans_grain_state
            WHERE grain_type = 'payment'
            """))
        await using (var reader = await rows.ExecuteReaderAsync(Cancellation))
        {
            await reader.ReadAsync(Cancellation);
            Assert.Equal((1L, 0L), (reader.GetInt64(0), reader.GetInt64(1)));
        }

        await using var second = Node(connectionString, "payments-second").Start();
        using var again = second.CreateClient();
        again.DefaultRequestHeaders.Authorization = session;
        var paidAfter = await again.GetFromJsonAsync<JsonElement>($"/api/orders/{paidId}", Cancellation);
        var unpaidAfter = await again.GetFromJsonAsync<JsonElement>($"/api/orders/{unpaidId}", Cancellation);
        Assert.Equal(("Confirmed", "Confirmed", "4242"), (
            paidAfter.GetProperty("status").GetString(),
            paidAfter.GetProperty("payment").GetProperty("status").GetString(),
            paidAfter.GetProperty("payment").GetProperty("cardLast4").GetString()));
        Assert.Equal(("Cancelled", "Cancelled"), (unpaidAfter.GetProperty("status").GetString(), unpaidAfter.GetProperty("payment").GetProperty("status").GetString()));
    }

    private static DeliveryApplication Node(string connectionString, string clusterId)
    {
        var node = DeliveryApplication.OnPostgres(connectionString, clusterId);
        node.Settings["Catalog:SeedDemo"] = "true";
        node.Settings["Payments:Timeout"] = "00:00:03";
        return node;
    }
}
