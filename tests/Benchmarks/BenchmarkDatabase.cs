using Npgsql;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Benchmarks;

/// <summary>
/// The one database every PostgreSQL benchmark of a run uses: a fresh database on the server of
/// <c>ORLEANSDELIVERY_TEST_PG</c> when set, otherwise on a throwaway server started for this run.
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly PostgresTestServer _server;

    private BenchmarkDatabase(PostgresTestServer server, string connectionString)
    {
        _server = server;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static Task<BenchmarkDatabase> CreateAsync(CancellationToken cancellationToken) =>
        CreateAsync(new Dictionary<string, string>(), cancellationToken);

    /// <summary>
    /// As <see cref="CreateAsync(CancellationToken)"/>, with extra <c>postgresql.conf</c> settings for the throwaway
    /// server; a server of <c>ORLEANSDELIVERY_TEST_PG</c> is used as it is configured.
    /// </summary>
    public static async Task<BenchmarkDatabase> CreateAsync(IReadOnlyDictionary<string, string> serverSettings, CancellationToken cancellationToken)
    {
        var external = Environment.GetEnvironmentVariable(PostgresTestServer.ConnectionStringVariable);
        var server = string.IsNullOrWhiteSpace(external)
            ? await PostgresTestServer.StartPrivateAsync(serverSettings, cancellationToken)
            : await PostgresTestServer.GetSharedAsync();
        return new BenchmarkDatabase(server, await server.CreateDatabaseAsync(cancellationToken));
    }

    /// <summary>One line saying which server the figures come from and how durable its commits are.</summary>
    public async Task<string> DescribeAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'),
                   current_setting('shared_buffers'), current_setting('max_connections')
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var origin = _server.IsPrivate ? "throwaway server (PostgresTestServer)" : $"server of {PostgresTestServer.ConnectionStringVariable}";
        return $"PostgreSQL {reader.GetString(0)}, {origin}, fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, " +
            $"shared_buffers={reader.GetString(3)}, max_connections={reader.GetString(4)}";
    }

    /// <summary>
    /// Lists the server's processes (its backends and its own workers, as <c>pg_stat_activity</c> shows them) when
    /// the server runs on this machine, so their CPU can be read from <c>/proc</c>; null for a server elsewhere.
    /// </summary>
    public Func<Task<IReadOnlyList<int>>>? ServerProcesses(NpgsqlDataSource dataSource)
    {
        if (!_server.IsPrivate)
        {
            return null;
        }

        return async () =>
        {
            var pids = new List<int>();
            await using var command = dataSource.CreateCommand("SELECT pid FROM pg_stat_activity");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                pids.Add(reader.GetInt32(0));
            }

            return pids;
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_server.IsPrivate)
        {
            await _server.DisposeAsync();
        }
        else
        {
            await _server.DropDatabaseAsync(ConnectionString);
        }
    }
}
