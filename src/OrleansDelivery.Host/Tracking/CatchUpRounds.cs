using Orleans.Streams;

namespace OrleansDelivery.Host.Tracking;

/// <summary>
/// What both live relays do to make up for a stream that went quiet after a failover: a round over everything they
/// watch, each item on its own (one failure must not stop the others, nor end the hosted service and the node), and
/// replacing a subscription that may be attached to nothing.
/// </summary>
internal static class CatchUpRounds
{
    /// <summary>Runs <paramref name="catchUp"/> on each item; a failure is handed to <paramref name="failed"/> and the next round tries again.</summary>
    public static async Task RunAsync<TWatched>(
        IEnumerable<TWatched> watched, Func<TWatched, Task> catchUp, Action<TWatched, Exception> failed, CancellationToken cancellationToken)
    {
        foreach (var item in watched)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await catchUp(item);
            }
            catch (Exception exception) when (exception is not (OperationCanceledException or OutOfMemoryException))
            {
                // A silo going away as we ask or resubscribe.
                failed(item, exception);
            }
        }
    }

    /// <summary>
    /// Subscribes anew, then drops <paramref name="stale"/>: new first, so nothing falls between the two (the relays
    /// send each step or notification once, so an overlap is harmless). A stale handle that cannot be dropped is
    /// reported to <paramref name="unsubscribeFailed"/>, not thrown.
    /// </summary>
    public static async Task<StreamSubscriptionHandle<T>> ReplaceAsync<T>(
        StreamSubscriptionHandle<T> stale, Func<Task<StreamSubscriptionHandle<T>>> subscribe, Action<Exception> unsubscribeFailed)
    {
        var fresh = await subscribe();
        try
        {
            await stale.UnsubscribeAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            unsubscribeFailed(exception);
        }

        return fresh;
    }
}
