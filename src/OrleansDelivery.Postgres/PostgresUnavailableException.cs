namespace OrleansDelivery.Postgres;

/// <summary>PostgreSQL could not be reached at all, as opposed to a statement that failed on its own merits.</summary>
public sealed class PostgresUnavailableException(string message, Exception innerException)
    : Exception(message, innerException);
