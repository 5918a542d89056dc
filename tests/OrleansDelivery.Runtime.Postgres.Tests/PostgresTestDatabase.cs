using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansDelivery.Runtime.Testing.Postgres;

namespace OrleansDelivery.Runtime.Postgres.Tests;

/// <summary>A fresh, migrated database of its own for one test, with the providers built on it.</summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private PostgresTestDatabase(PostgresTestServer server, string connectionString, PostgresStorageOptions options)
    {
        Server = server;
        ConnectionString = connectionString;
        Options = options;
        DataSource = PostgresDataSource.Create(connectionString, options);
    }

    public PostgresTestServer Server { get; }

    public string ConnectionString { get; }

    public PostgresStorageOptions Options { get; }

    public NpgsqlDataSource DataSource { get; }

    public static async Task<PostgresTestDatabase> CreateAsync(
        PostgresTestServer? server = null,
        Action<PostgresStorageOptions>? configure = null,
        bool migrate = true)
    {
        server ??= await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        var options = new PostgresStorageOptions();
        configure?.Invoke(options);
        var database = new PostgresTestDatabase(server, connectionString, options);
        if (migrate)
        {
            await database.CreateMigrator().MigrateAsync(TestContext.Current.CancellationToken);
        }

        return database;
    }

    /// <summary>Another data source on the same database, as a second silo would have.</summary>
    public NpgsqlDataSource CreateDataSource(PostgresStorageOptions? options = null)
    {
        var dataSource = PostgresDataSource.Create(ConnectionString, options ?? Options);
        _owned.Add(dataSource);
        return dataSource;
    }

    public PostgresMigrator CreateMigrator(NpgsqlDataSource? dataSource = null) =>
        new(dataSource ?? DataSource, Options, NullLogger<PostgresMigrator>.Instance);

    public PostgresGrainStorage CreateGrainStorage(PostgresStorageOptions? options = null, NpgsqlDataSource? dataSource = null) =>
        new(dataSource ?? DataSource, options ?? Options, new GrainStateSerializer(), TimeProvider.System, NullLogger<PostgresGrainStorage>.Instance);

    public PostgresReminderTable CreateReminderTable(PostgresStorageOptions? options = null, NpgsqlDataSource? dataSource = null) =>
        new(dataSource ?? DataSource, options ?? Options, NullLogger<PostgresReminderTable>.Instance);

    public PostgresStreamLog CreateStreamLog(string providerName = "Default", PostgresStorageOptions? options = null, NpgsqlDataSource? dataSource = null)
    {
        var log = new PostgresStreamLog(providerName, dataSource ?? DataSource, options ?? Options, TimeProvider.System, NullLogger<PostgresStreamLog>.Instance);
        _owned.Insert(0, log);
        return log;
    }

    /// <summary>Runs a query as an operator would, for what the providers do not expose.</summary>
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

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await DataSource.DisposeAsync();
        if (!Server.IsPrivate)
        {
            await Server.DropDatabaseAsync(ConnectionString);
        }
    }
}
