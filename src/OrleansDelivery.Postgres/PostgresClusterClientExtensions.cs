using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;

namespace OrleansDelivery.Postgres;

/// <summary>How an Orleans client (a front-end node) finds the silos: their gateways, as listed in PostgreSQL.</summary>
public static class PostgresClusterClientExtensions
{
    /// <summary>
    /// Gateway discovery through the membership table the silos keep in PostgreSQL (Orleans' ADO.NET provider), on
    /// a data source tuned like the silos' own. The client never writes the table; the schema must already be there.
    /// </summary>
    public static IClientBuilder UsePostgresClustering(this IClientBuilder client, string connectionString)
    {
        var tuned = PostgresSiloBuilderExtensions.TuneConnectionString(connectionString);
        client.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(tuned));
        client.UseAdoNetClustering(clustering => clustering.Invariant = PostgresSiloBuilderExtensions.NpgsqlInvariant);
        client.Services.AddOptions<AdoNetClusteringClientOptions>()
            .Configure<NpgsqlDataSource>((clustering, dataSource) => clustering.DataSource = dataSource);
        return client;
    }
}
