using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>What a message's <c>payload</c> column holds, in Orleans' binary serialization: the events and the
/// producer's request context. The stream and the sequence are columns of their own.</summary>
[GenerateSerializer, Immutable, Alias("od.postgres-stream-payload")]
public sealed record PostgresStreamPayload(
    [property: Id(0)] List<object> Events,
    [property: Id(1)] Dictionary<string, object>? RequestContext);

/// <summary>
/// One stored message as Orleans' pulling agent hands it on. Its token is the message's sequence within its queue,
/// the same on every read of the row, so a subscriber that gets it again (after a failover) can tell.
/// </summary>
[GenerateSerializer, Immutable, Alias("od.postgres-stream-batch")]
public sealed record PostgresBatchContainer(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] EventSequenceTokenV2 Token,
    [property: Id(2)] List<object> Events,
    [property: Id(3)] Dictionary<string, object>? RequestContext) : IBatchContainer
{
    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Events.Select((item, index) => (item, index))
            .Where(entry => entry.item is T)
            .Select(entry => Tuple.Create((T)entry.item, (StreamSequenceToken)Token.CreateSequenceTokenForEvent(entry.index)));

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        RequestContextExtensions.Import(RequestContext);
        return true;
    }
}
