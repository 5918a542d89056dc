using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>In <c>Postgres</c> mode the order events go through the durable PostgreSQL stream provider.</summary>
public sealed class PostgresStreamHostTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_placed_and_moved_on_reaches_the_board_through_events_stored_in_postgres()
    {
        var connectionString = await (await PostgresTestServer.GetSharedAsync()).CreateDatabaseAsync(Cancellation);
        await using var node = DeliveryApplication.OnPostgres(connectionString);
        node.Settings["Catalog:SeedDemo"] = "true";
        node.Settings["Streams:QueueCount"] = "4";
        node.Start();
        var (_, customer) = await node.SignedInCustomerAsync();
        var (_, staff) = await node.SignedInStaffAsync();
        using (customer)
        using (staff)
        {
            var id = (await DeliveryApplication.PlaceOrderAsync(customer)).GetProperty("id").GetGuid();
            await BoardShowsAsync(staff, id, "Confirmed");

            using var moved = await staff.PostAsJsonAsync($"/api/staff/orders/{id}/status", new { status = "Cooking" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
            await BoardShowsAsync(staff, id, "Cooking");
        }

        // The board's events are rows of the provider's log, spread over the four queues configured.
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("""
            SELECT count(*), max(queue_id) FROM orleans_stream_messages WHERE provider_name = 'events' AND stream_namespace = 'all-orders'
            """);
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        Assert.True(await reader.ReadAsync(Cancellation));
        Assert.True(reader.GetInt64(0) >= 2, $"{reader.GetInt64(0)} all-orders events stored"); // confirmed (cash: at once), cooking
        Assert.InRange(reader.GetInt32(1), 0, 3);
    }

    [Fact]
    public async Task The_board_whose_last_write_was_lost_catches_up_from_the_stream_when_it_activates_again()
    {
        var connectionString = await (await PostgresTestServer.GetSharedAsync()).CreateDatabaseAsync(Cancellation);
        await using var node = DeliveryApplication.OnPostgres(connectionString);
        node.Settings["Catalog:SeedDemo"] = "true";
        node.Start();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var (_, customer) = await node.SignedInCustomerAsync();
        var (_, staff) = await node.SignedInStaffAsync();
        using (customer)
        using (staff)
        {
            // The board as written after the first order.
            var first = (await DeliveryApplication.PlaceOrderAsync(customer)).GetProperty("id").GetGuid();
            await BoardShowsAsync(staff, first, "Confirmed");
            var written = await Wait.UntilAsync(
                () => StoredBoardAsync(dataSource),
                board => board is not null && board.Contains(first.ToString(), StringComparison.OrdinalIgnoreCase) && board.Contains("ResumeAfter", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30),
                "the board to write the first order");

            // A second order reaches the board, whose write of it is then lost: another writer puts the older board
            // back (a newer version, so the live activation's own write is refused), and the board deactivates.
            var second = (await DeliveryApplication.PlaceOrderAsync(customer)).GetProperty("id").GetGuid();
            await BoardShowsAsync(staff, second, "Confirmed");
            await using (var putBack = dataSource.CreateCommand("UPDATE orleans_grain_state SET payload = $1::json, version = version + 1 WHERE state_name = 'order-board'"))
            {
                putBack.Parameters.AddWithValue(written!);
                Assert.Equal(1, await putBack.ExecuteNonQueryAsync(Cancellation));
            }

            await node.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

            // The next event activates the board from the older state; it resumes the stream after the first order,
            // so the second order's events come again.
            var third = (await DeliveryApplication.PlaceOrderAsync(customer)).GetProperty("id").GetGuid();
            await BoardShowsAsync(staff, third, "Confirmed");
            await BoardShowsAsync(staff, second, "Confirmed");
        }
    }

    private static async Task<string?> StoredBoardAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT payload::text FROM orleans_grain_state WHERE state_name = 'order-board'");
        return await command.ExecuteScalarAsync(Cancellation) as string;
    }

    [Fact]
    public async Task A_node_with_a_bad_stream_setting_does_not_start_and_says_which()
    {
        var connectionString = await (await PostgresTestServer.GetSharedAsync()).CreateDatabaseAsync(Cancellation);
        await using var node = DeliveryApplication.OnPostgres(connectionString);
        node.Settings["Streams:Retention"] = "-01:00:00";

        var error = Assert.ThrowsAny<Exception>(() => node.Start());

        Assert.Contains("Streams:Retention must be positive", error.ToString(), StringComparison.Ordinal);
    }

    private static Task<JsonElement> BoardShowsAsync(HttpClient staff, Guid id, string status) => Wait.UntilAsync(
        () => staff.GetFromJsonAsync<JsonElement>($"/api/staff/orders?status={status}&pageSize=100", Cancellation),
        page => page.GetProperty("items").EnumerateArray().Any(e => e.GetProperty("orderId").GetGuid() == id),
        TimeSpan.FromSeconds(60),
        $"the board to show the order {status}");
}
