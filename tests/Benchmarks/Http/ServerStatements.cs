using System.Globalization;
using Npgsql;

namespace OrleansDelivery.Benchmarks.Http;

/// <summary>
/// What PostgreSQL itself counted in the benchmark's database: statements executed (<c>pg_stat_statements</c>, top
/// level only, each statement of a pipelined batch once) and transactions committed (<c>pg_stat_database</c>).
/// Queries that read these views are left out.
/// </summary>
internal sealed class ServerStatements(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Whether <c>pg_stat_statements</c> can be used: it needs <c>shared_preload_libraries</c> set before the server
    /// started, which the throwaway server gets and a server of <c>ORLEANSDELIVERY_TEST_PG</c> may not have.
    /// </summary>
    public async Task<bool> TryEnableAsync()
    {
        try
        {
            await using var create = dataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            await create.ExecuteNonQueryAsync();
            await using var probe = dataSource.CreateCommand("SELECT count(*) FROM pg_stat_statements");
            await probe.ExecuteScalarAsync();
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }

    public async Task ResetStatementsAsync()
    {
        await using var reset = dataSource.CreateCommand("SELECT pg_stat_statements_reset()");
        await reset.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Transactions committed in this database so far. Backends report them when they go idle, at most once a
    /// second, and an idle one may hold them for up to 10 s (PostgreSQL 15), so read this after a quiet pause.
    /// </summary>
    public async Task<long> CommittedTransactionsAsync()
    {
        await using var command = dataSource.CreateCommand("""
            SELECT pg_stat_clear_snapshot();
            SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    /// <summary>Every statement counted since the last reset, most called first.</summary>
    public async Task<IReadOnlyList<Statement>> StatementsAsync()
    {
        await using var command = dataSource.CreateCommand("""
            SELECT s.calls, s.rows, s.total_exec_time, s.query
            FROM pg_stat_statements s
            JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database() AND s.toplevel
              AND s.query NOT LIKE '%pg_stat_statements%' AND s.query NOT LIKE '%pg_stat_database%'
            ORDER BY s.calls DESC
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var statements = new List<Statement>();
        while (await reader.ReadAsync())
        {
            statements.Add(new Statement(reader.GetInt64(0), reader.GetInt64(1), TimeSpan.FromMilliseconds(reader.GetDouble(2)), reader.GetString(3)));
        }

        return statements;
    }

    /// <summary>
    /// Grain state rows by grain type and state name: how many, and their JSON size on average and at most. Every
    /// write sends the whole state, so a state that grows with each order makes every later write dearer.
    /// </summary>
    public async Task<IReadOnlyList<string>> StateSizesAsync()
    {
        await using var command = dataSource.CreateCommand("""
            SELECT grain_type || '/' || state_name, count(*), avg(octet_length(payload::text))::bigint, max(octet_length(payload::text))
            FROM orleans_grain_state
            GROUP BY 1
            ORDER BY 4 DESC
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0),-44} {reader.GetInt64(1),7:N0} rows {reader.GetInt64(2),9:N0} B avg {reader.GetInt32(3),9:N0} B max"));
        }

        return lines;
    }

    public sealed record Statement(long Calls, long Rows, TimeSpan ExecutionTime, string Query)
    {
        /// <summary>One line: calls per order, execution time per call, the query on one line, shortened.</summary>
        public string Describe(double orders)
        {
            var query = string.Join(' ', Query.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
            var perCall = ExecutionTime.TotalMicroseconds / Calls;
            return string.Create(CultureInfo.InvariantCulture, $"{Calls / orders,6:0.00}  {perCall,6:0} µs  {(query.Length > 110 ? query[..110] + "…" : query)}");
        }
    }
}
