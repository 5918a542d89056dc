using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

public sealed class PostgresCatalogTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_catalogue_is_stored_as_json_rows_and_served_again_after_a_restart()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        await using (var first = Seeding(DeliveryApplication.OnPostgres(connectionString, clusterId: "catalog-first")))
        {
            await ListedProductsAsync(first.Start());
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var rows = dataSource.CreateCommand("""
            SELECT count(*) FILTER (WHERE grain_type = 'product'),
                   count(*) FILTER (WHERE grain_type = 'catalog'),
                   max(payload->'Definition'->>'Name') FILTER (WHERE grain_type = 'product' AND payload->'Definition'->>'Name' = 'Margherita')
            FROM orleans_grain_state
            """))
        await using (var reader = await rows.ExecuteReaderAsync(Cancellation))
        {
            await reader.ReadAsync(Cancellation);
            Assert.Equal((50L, 1L, "Margherita"), (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2)));
        }

        // A new node of a new cluster on the same database: nothing is seeded again, everything is read back.
        await using var second = Seeding(DeliveryApplication.OnPostgres(connectionString, clusterId: "catalog-second")).Start();
        var listed = await ListedProductsAsync(second);
        Assert.Equal(50, listed.GetProperty("total").GetInt32());
        Assert.Contains("50 already there", string.Join("\n", second.Logs.Messages("OrleansDelivery.Host.Catalog.DemoCatalogSeeder")), StringComparison.Ordinal);
    }

    private static DeliveryApplication Seeding(DeliveryApplication node)
    {
        node.Settings["Catalog:SeedDemo"] = "true";
        return node;
    }

    private static Task<JsonElement> ListedProductsAsync(DeliveryApplication node) => Wait.UntilAsync(
        async () =>
        {
            using var client = node.CreateClient();
            return await client.GetFromJsonAsync<JsonElement>("/api/products?pageSize=100", Cancellation);
        },
        page => page.GetProperty("total").GetInt32() == 50,
        TimeSpan.FromSeconds(60),
        "the demo catalogue to be listed");
}
