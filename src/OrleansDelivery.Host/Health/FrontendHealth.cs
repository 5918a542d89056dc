using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Cluster;
using OrleansDelivery.Host.Hosting;

namespace OrleansDelivery.Host.Health;

/// <summary><c>GET /health</c> on a front-end node, which holds no grains: healthy while a silo answers it.</summary>
public static class FrontendHealth
{
    /// <summary>Longer than a healthy cluster needs, shorter than a load balancer's probe gives up.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> GetHealthAsync(
        IGrainFactory grains,
        ClusterSettings settings,
        HostClock clock,
        IHostApplicationLifetime lifetime,
        CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The node is shutting down.");
        }

        int activeSilos;
        try
        {
            // The management grain runs on a silo: answering proves a gateway connection and a live cluster.
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(ProbeTimeout, cancellationToken);
            activeSilos = hosts.Count;
        }
        catch (Exception exception) when (exception is TimeoutException || Problems.UnavailableExceptionHandler.IsTransient(exception))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The front-end node cannot reach its cluster.",
                detail: $"{exception.GetType().Name}: {exception.Message}");
        }

        if (activeSilos == 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The cluster has no active silo.");
        }

        return TypedResults.Ok(new HealthResponse(
            "Healthy",
            Environment.MachineName,
            "",
            "Frontend",
            settings.Mode.ToString(),
            settings.ClusterId,
            activeSilos,
            clock.StartedAt,
            clock.Uptime)
        {
            Role = nameof(ClusterRole.Frontend),
        });
    }
}
