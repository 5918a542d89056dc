using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Hosting;
using OrleansDelivery.Host.Storage;
using OrleansDelivery.Runtime.Hosting;

namespace OrleansDelivery.Host.Health;

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health")
            .WithTags("Health")
            .AllowAnonymous();

        group.MapGet("/", GetHealth)
            .WithName("GetHealth")
            .WithSummary("Reports whether this silo is serving, with its name, activation count, storage and uptime.");

        return app;
    }

    public static Results<Ok<HealthResponse>, ProblemHttpResult> GetHealth(
        ISiloStatus silo,
        StorageSelection storage,
        HostClock clock,
        IHostApplicationLifetime lifetime)
    {
        // A silo that is shutting down deactivates its grains; load balancers should stop sending it work.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The silo is shutting down.");
        }

        return TypedResults.Ok(new HealthResponse(
            "Healthy",
            silo.SiloName,
            silo.ActivationCount,
            storage.Provider.ToString(),
            clock.StartedAt,
            clock.Uptime));
    }
}
