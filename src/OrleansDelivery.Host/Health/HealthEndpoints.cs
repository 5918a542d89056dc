using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Cluster;
using OrleansDelivery.Host.Hosting;

namespace OrleansDelivery.Host.Health;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health")
            .WithTags("Health")
            .AllowAnonymous();

        // A front-end node has no silo of its own: it is healthy while it reaches the silos through a gateway.
        var health = app.ServiceProvider.GetRequiredService<ClusterSettings>().Role == ClusterRole.Frontend
            ? group.MapGet("/", FrontendHealth.GetHealthAsync)
            : group.MapGet("/", GetHealth);
        health.WithName("GetHealth")
            .WithSummary("Reports whether this node's silo is an active member of its cluster (a front-end node: whether it reaches the cluster), with its name, address and uptime.");

        return app;
    }

    public static Results<Ok<HealthResponse>, ProblemHttpResult> GetHealth(
        ILocalSiloDetails silo,
        IClusterMembershipService membership,
        ClusterSettings settings,
        HostClock clock,
        IHostApplicationLifetime lifetime)
    {
        // A node that is shutting down hands its grains over; load balancers should stop sending it work.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The node is shutting down.");
        }

        var snapshot = membership.CurrentSnapshot;
        var status = snapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The silo is not an active member of its cluster.",
                detail: $"Silo {silo.Name} ({silo.SiloAddress}) is {status}.");
        }

        return TypedResults.Ok(new HealthResponse(
            "Healthy",
            silo.Name,
            silo.SiloAddress.ToString(),
            status.ToString(),
            settings.Mode.ToString(),
            settings.ClusterId,
            snapshot.Members.Values.Count(member => member.Status == SiloStatus.Active),
            clock.StartedAt,
            clock.Uptime));
    }
}
