using Npgsql;

namespace OrleansDelivery.Postgres.Tests;

public sealed class MigrationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string[] ScriptsOnDisk() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql"), "*.sql").Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Every_script_of_sql_is_embedded_in_version_order()
    {
        var embedded = PostgresMigrator.Migrations;

        Assert.Equal(ScriptsOnDisk().Select(Path.GetFileName), embedded.Select(m => $"{m.Version:000}_{m.Name}.sql"));
        Assert.Equal(Enumerable.Range(1, embedded.Count), embedded.Select(m => m.Version));
    }

    [Fact]
    public async Task A_new_database_gets_every_table_and_every_query_the_providers_read()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);

        var applied = await database.CreateMigrator().MigrateAsync(Cancellation);

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), applied);
        foreach (var table in new[] { "orleansquery", "orleans_membership_version", "orleans_membership", "orleans_grain_state", "orleans_reminders" })
        {
            Assert.True(await database.QueryScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", table), table);
        }

        // The keys Orleans 10.4.2's ADO.NET clustering, grain storage and reminder table look up when a silo starts.
        string[] required =
        [
            "InsertMembershipVersionKey", "InsertMembershipKey", "UpdateMembershipKey", "UpdateIAmAlivetimeKey",
            "MembershipReadRowKey", "MembershipReadAllKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey",
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
            "UpsertReminderRowKey", "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
            "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];
        var keys = await database.QueryScalarAsync<string[]>("SELECT array_agg(querykey ORDER BY querykey) FROM orleansquery");
        Assert.Equal(required.Order(StringComparer.Ordinal), keys!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_data()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await database.ExecuteAsync("""
            INSERT INTO orleans_grain_state (service_id, grain_type, grain_key, state_name, version, payload)
            VALUES ('svc', 'cart', 'k', 'state', 1, '{"note":"kept"}')
            """);

        var applied = await database.CreateMigrator().MigrateAsync(Cancellation);

        Assert.Empty(applied);
        Assert.Equal("kept", await database.QueryScalarAsync<string>("SELECT payload->>'note' FROM orleans_grain_state WHERE grain_key = 'k'"));
    }

    [Fact]
    public async Task Six_nodes_starting_together_apply_each_migration_exactly_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);
        var nodes = Enumerable.Range(0, 6).Select(_ => database.CreateMigrator(ownDataSource: true)).ToList();

        var results = await Task.WhenAll(nodes.Select(node => Task.Run(() => node.MigrateAsync(Cancellation))));

        // One node applied everything; the other five waited on the advisory lock and found nothing to do.
        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), Assert.Single(results, r => r.Count > 0));
        Assert.Equal(5, results.Count(r => r.Count == 0));
        Assert.Equal(PostgresMigrator.Migrations.Count, await database.QueryScalarAsync<long>("SELECT count(*) FROM orleans_schema_version"));
    }

    [Fact]
    public async Task An_operator_can_apply_the_scripts_with_psql_twice_and_a_node_then_has_nothing_to_do()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);

        foreach (var _ in new[] { 1, 2 })
        {
            foreach (var script in ScriptsOnDisk())
            {
                await database.Server.RunPsqlFileAsync(database.ConnectionString, script, Cancellation);
            }
        }

        Assert.Empty(await database.CreateMigrator().MigrateAsync(Cancellation));
        Assert.Equal(PostgresMigrator.Migrations.Count, await database.QueryScalarAsync<long>("SELECT count(*) FROM orleans_schema_version"));
    }

    [Fact]
    public async Task A_node_finishes_what_an_operator_started()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);
        await database.Server.RunPsqlFileAsync(database.ConnectionString, ScriptsOnDisk()[0], Cancellation);

        var applied = await database.CreateMigrator().MigrateAsync(Cancellation);

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version).Skip(1), applied);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_partial_schema()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);
        // A foreign table of that name makes migration 005 fail after 001 to 004 succeeded in the same run.
        await database.ExecuteAsync("CREATE TABLE orleans_reminders (id int)");

        await Assert.ThrowsAsync<PostgresException>(() => database.CreateMigrator().MigrateAsync(Cancellation));

        Assert.False(await database.QueryScalarAsync<bool>("SELECT to_regclass('orleans_schema_version') IS NOT NULL"));
        Assert.False(await database.QueryScalarAsync<bool>("SELECT to_regclass('orleans_grain_state') IS NOT NULL"));
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_with_its_address()
    {
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Database=none;Username=none;Timeout=2");
        var migrator = new PostgresMigrator(dataSource, Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresMigrator>.Instance);

        var error = await Assert.ThrowsAsync<PostgresUnavailableException>(() => migrator.MigrateAsync(Cancellation));

        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
    }
}
