using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansDelivery.Runtime.Postgres;

/// <summary>Builds the one <see cref="NpgsqlDataSource"/> every provider of a silo shares.</summary>
public static class PostgresDataSource
{
    public static NpgsqlDataSource Create(string connectionString, PostgresStorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.Timeout = WholeSeconds(options.ConnectTimeout);
        builder.ConnectionStringBuilder.CommandTimeout = WholeSeconds(options.CommandTimeout);
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName))
        {
            builder.ConnectionStringBuilder.ApplicationName = "OrleansDelivery";
        }

        if (loggerFactory is not null)
        {
            builder.UseLoggerFactory(loggerFactory);
        }

        return builder.Build();
    }

    private static int WholeSeconds(TimeSpan timeout) => (int)Math.Max(1, Math.Ceiling(timeout.TotalSeconds));
}
