using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>A fresh database of its own for one test (migrated unless asked not to), and SQL an operator would run.</summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly List<NpgsqlDataSource> _owned = [];

    private PostgresTestDatabase(PostgresTestServer server, string connectionString)
    {
        Server = server;
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public PostgresTestServer Server { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<PostgresTestDatabase> CreateAsync(PostgresTestServer? server = null, bool migrate = true)
    {
        server ??= await PostgresTestServer.GetSharedAsync();
        var database = new PostgresTestDatabase(server, await server.CreateDatabaseAsync(TestContext.Current.CancellationToken));
        if (migrate)
        {
            await database.CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken);
        }

        return database;
    }

    /// <summary>A migrator with a data source of its own, as a separate node would have.</summary>
    public PostgresMigrator CreateMigrator(bool ownDataSource = false)
    {
        var dataSource = DataSource;
        if (ownDataSource)
        {
            dataSource = NpgsqlDataSource.Create(ConnectionString);
            _owned.Add(dataSource);
        }

        return new PostgresMigrator(dataSource, NullLogger<PostgresMigrator>.Instance);
    }

    public async Task<T?> QueryScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var result = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    public async Task<int> ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _owned)
        {
            await dataSource.DisposeAsync();
        }

        await DataSource.DisposeAsync();
        if (!Server.IsPrivate)
        {
            await Server.DropDatabaseAsync(ConnectionString);
        }
    }
}
