using System.Net.Sockets;
using Npgsql;

namespace OrleansDelivery.Runtime.Postgres;

/// <summary>Tells a server that cannot be reached apart from a statement that failed on its own merits.</summary>
internal static class PostgresFailures
{
    public static bool IsUnreachable(NpgsqlException exception) =>
        exception.IsTransient
        || exception.InnerException is IOException or SocketException or TimeoutException
        || exception is PostgresException { SqlState: "57P01" or "57P02" or "57P03" } // shutting down or starting up
        || exception is PostgresException { SqlState: var state } && state.StartsWith("08", StringComparison.Ordinal);

    /// <summary>
    /// The exception a caller sees. The pool is cleared too: after a server restart every idle pooled connection
    /// is dead, and without this each of them would fail one more call before the provider recovers.
    /// </summary>
    public static StorageUnavailableException Unreachable(NpgsqlDataSource dataSource, string store, NpgsqlException exception)
    {
        dataSource.Clear();
        return new StorageUnavailableException($"PostgreSQL {store} is unreachable: {exception.Message}", exception);
    }
}
