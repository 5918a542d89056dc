namespace OrleansDelivery.Host.Cluster;

/// <summary>
/// Keeps a front-end node trying to reach a silo gateway as it starts, instead of failing start-up: in a cluster
/// started all at once, or restarted silo by silo, the front-end may come up first.
/// </summary>
internal sealed partial class GatewayRetryFilter(ILogger<GatewayRetryFilter> logger) : IClientConnectionRetryFilter
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        LogGatewayUnreachable(logger, exception.GetType().Name, exception.Message);
        try
        {
            await Task.Delay(RetryDelay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No silo gateway answered yet ({ExceptionType}: {Message}); retrying")]
    private static partial void LogGatewayUnreachable(ILogger logger, string exceptionType, string message);
}
