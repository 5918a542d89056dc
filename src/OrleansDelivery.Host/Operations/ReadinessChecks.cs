using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OrleansDelivery.Operations;

namespace OrleansDelivery.Host.Operations;

/// <summary>PostgreSQL answers a trivial query on the node's own data source (Postgres mode only).</summary>
internal sealed class PostgresReadinessCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception error) when (error is NpgsqlException or TimeoutException or OperationCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL does not answer: {error.Message}");
        }
    }
}

/// <summary>This node's silo is an Active member of its cluster, and the node is not shutting down.</summary>
internal sealed class SiloReadinessCheck(ILocalSiloDetails silo, IClusterMembershipService membership, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The node is shutting down."));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {silo.Name} ({silo.SiloAddress}) is Active.")
            : HealthCheckResult.Unhealthy($"Silo {silo.Name} ({silo.SiloAddress}) is {status}."));
    }
}

/// <summary>A grain answers: a stateless worker, so the call is served on this node's own silo.</summary>
internal sealed class GrainReadinessCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IHealthProbeGrain>(0).PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("A grain answers.");
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"No grain answers: {error.GetType().Name}: {error.Message}");
        }
    }
}
