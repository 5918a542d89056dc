using Npgsql;

namespace OrleansDelivery.Runtime.Postgres.Tests;

public sealed class MigrationTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_script_of_sql_is_embedded_in_version_order()
    {
        var onDisk = System.IO.Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql"), "*.sql").Select(Path.GetFileName).Order().ToList();

        var embedded = PostgresMigrator.Migrations;

        Assert.Equal(onDisk, embedded.Select(m => $"{m.Version:000}_{m.Name}.sql"));
        Assert.Equal(embedded.Select(m => m.Version).Order(), embedded.Select(m => m.Version));
        Assert.Equal(1, embedded[0].Version);
    }

    [Fact]
    public async Task A_new_database_gets_every_table_and_a_recorded_version()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);

        var applied = await database.CreateMigrator().MigrateAsync(Cancellation);

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), applied);
        Assert.Equal(PostgresMigrator.Migrations[^1].Version, await database.QueryScalarAsync<int>("SELECT max(version) FROM orleans_schema_version"));
        foreach (var table in new[] { "orleans_grain_state", "orleans_reminders", "orleans_streams", "orleans_stream_events" })
        {
            Assert.True(await database.QueryScalarAsync<bool>("SELECT to_regclass($1) IS NOT NULL", table), table);
        }
    }

    [Fact]
    public async Task Migrating_again_changes_nothing_and_keeps_the_data()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var grain = new GrainId("cart", "k");
        await database.CreateGrainStorage().WriteStateAsync("cart", grain, new TestGrainState<CartState> { State = new CartState { Note = "kept" } }, Cancellation);

        var applied = await database.CreateMigrator().MigrateAsync(Cancellation);

        var state = new TestGrainState<CartState>();
        await database.CreateGrainStorage().ReadStateAsync("cart", grain, state, Cancellation);
        Assert.Empty(applied);
        Assert.Equal("kept", state.State.Note);
    }

    [Fact]
    public async Task Silos_starting_together_apply_each_migration_exactly_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);
        var silos = Enumerable.Range(0, 6).Select(_ => database.CreateMigrator(database.CreateDataSource())).ToList();

        var results = await Task.WhenAll(silos.Select(silo => Task.Run(() => silo.MigrateAsync(Cancellation))));

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version), Assert.Single(results, r => r.Count > 0));
        Assert.Equal(PostgresMigrator.Migrations.Count, await database.QueryScalarAsync<long>("SELECT count(*) FROM orleans_schema_version"));
    }

    [Fact]
    public async Task An_operator_can_apply_the_scripts_with_psql_twice_and_the_silo_then_has_nothing_to_do()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);
        var scripts = System.IO.Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sql"), "*.sql").Order().ToList();

        foreach (var _ in new[] { 1, 2 })
        {
            foreach (var script in scripts)
            {
                await database.Server.RunPsqlFileAsync(database.ConnectionString, script, Cancellation);
            }
        }

        Assert.Empty(await database.CreateMigrator().MigrateAsync(Cancellation));
        Assert.Equal(PostgresMigrator.Migrations.Count, await database.QueryScalarAsync<long>("SELECT count(*) FROM orleans_schema_version"));
    }

    [Fact]
    public async Task A_silo_finishes_what_an_operator_started()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);
        var first = Path.Combine(AppContext.BaseDirectory, "sql", "001_schema_version.sql");
        await database.Server.RunPsqlFileAsync(database.ConnectionString, first, Cancellation);

        var applied = await database.CreateMigrator().MigrateAsync(Cancellation);

        Assert.Equal(PostgresMigrator.Migrations.Select(m => m.Version).Skip(1), applied);
    }

    [Fact]
    public async Task Two_grain_types_with_one_key_are_separate_rows_by_primary_key()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();

        var key = await database.QueryScalarAsync<string>("""
            SELECT string_agg(a.attname, ',' ORDER BY k.ordinality)
            FROM pg_constraint c
            CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ordinality)
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
            WHERE c.conrelid = 'orleans_grain_state'::regclass AND c.contype = 'p'
            """);

        Assert.Equal("service_id,grain_type,grain_key,state_name", key);
    }

    [Fact]
    public async Task A_failing_migration_leaves_no_partial_schema()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(migrate: false);
        await using (var command = database.DataSource.CreateCommand("CREATE TABLE orleans_stream_events (id int)"))
        {
            // A foreign table of that name makes migration 004 fail after 001 to 003 succeeded in the same run.
            await command.ExecuteNonQueryAsync(Cancellation);
        }

        await Assert.ThrowsAsync<PostgresException>(() => database.CreateMigrator().MigrateAsync(Cancellation));

        Assert.False(await database.QueryScalarAsync<bool>("SELECT to_regclass('orleans_schema_version') IS NOT NULL"));
        Assert.False(await database.QueryScalarAsync<bool>("SELECT to_regclass('orleans_grain_state') IS NOT NULL"));
    }
}
