using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Orleans.Runtime.Messaging;
using Orleans.Storage;
using OrleansDelivery.Postgres;

namespace OrleansDelivery.Host.Problems;

/// <summary>
/// A call that failed because part of the cluster is going away (a silo shutting down or declared dead, a gateway
/// overloaded, the database unreachable, a grain call timing out meanwhile) is worth retrying in a moment: it gets
/// 503 with <c>Retry-After</c>, never a 500 that tells the client the request itself was wrong.
/// </summary>
public sealed partial class UnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or ClientNotAvailableException
            or ConnectionFailedException or OrleansLifecycleCanceledException or InconsistentStateException => true,
        // A front-end node's connection to a gateway that died under it.
        Orleans.Networking.Shared.SocketConnectionException => true,
        TimeoutException => true,
        NpgsqlException { IsTransient: true } => true,
        PostgresUnavailableException => true,
        AggregateException aggregate => aggregate.InnerExceptions.All(IsTransient),
        _ => exception.InnerException is { } inner && IsTransient(inner),
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsTransient(exception))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is briefly unavailable; try again in a moment.",
                Detail = "Part of the cluster is restarting or failing over. Reads can be retried as they are; retry a checkout with the same Idempotency-Key.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {ExceptionType}: {Message}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string exceptionType, string message);
}
