using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansDelivery.Host.Problems;

namespace OrleansDelivery.Host.Tests;

/// <summary>A request that fails because part of the cluster is going away gets 503 with Retry-After, never a 500.</summary>
public sealed class UnavailableTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    public static TheoryData<Exception> ClusterFailures => new()
    {
        new SiloUnavailableException("The silo is shutting down."),
        new GatewayTooBusyException(),
        new TimeoutException("Response did not arrive on time."),
        new AggregateException(new SiloUnavailableException()),
        new InvalidOperationException("wrapped", new Orleans.Runtime.Messaging.ConnectionFailedException("refused")),
    };

    [Theory]
    [MemberData(nameof(ClusterFailures))]
    public async Task A_cluster_failure_is_a_503_problem_with_retry_after(Exception failure)
    {
        _ = app.Server;
        var handler = app.Services.GetServices<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>().OfType<UnavailableExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Response.Body = new MemoryStream();
        context.Request.Headers.Accept = "application/json";

        Assert.True(await handler.TryHandleAsync(context, failure, TestContext.Current.CancellationToken));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
        context.Response.Body.Position = 0;
        var problem = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_fault_of_the_code_itself_is_not_disguised_as_unavailability()
    {
        _ = app.Server;
        var handler = app.Services.GetServices<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>().OfType<UnavailableExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = app.Services };

        Assert.False(await handler.TryHandleAsync(context, new NullReferenceException(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_node_that_is_stopping_turns_new_requests_away_with_503_and_retry_after()
    {
        await using var stopping = new DeliveryApplication();
        using var client = stopping.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/categories", TestContext.Current.CancellationToken)).StatusCode);
        var lifetime = stopping.Services.GetRequiredService<IHostApplicationLifetime>();
        // Hold the shutdown at ApplicationStopping, where a node drains, so the request lands while it is leaving.
        var release = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => release.Task.Wait(TimeSpan.FromSeconds(30)));
        var stop = Task.Run(lifetime.StopApplication, TestContext.Current.CancellationToken);
        await Testing.Wait.UntilAsync(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), (bool requested) => requested, TimeSpan.FromSeconds(10), "the node to begin stopping");

        using var response = await client.GetAsync("/api/categories", TestContext.Current.CancellationToken);
        release.SetResult();
        await stop;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
