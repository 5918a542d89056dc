namespace OrleansDelivery.Postgres;

/// <summary>How a silo uses PostgreSQL: where it is, and whether the silo brings the schema up to date itself.</summary>
public sealed class PostgresOptions
{
    /// <summary>The Npgsql connection string shared by clustering, grain storage, reminders and the migrator.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Whether the silo applies pending <c>sql/</c> migrations as it starts (otherwise an operator runs them with psql).</summary>
    public bool ApplyMigrationsOnStartup { get; set; } = true;
}
