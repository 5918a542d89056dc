using Orleans.Providers.Streams.Common;
using Orleans.Streams;

namespace OrleansDelivery.Grains;

/// <summary>
/// Where a projection's stream stood at the last event it applied, kept in the projection's state and written with
/// it. The projection resumes its implicit subscription there when it activates: Orleans then delivers again what
/// followed (the durable PostgreSQL streams read it back from their table; memory streams from their cache, if it is
/// still there), and the projection drops what it already has by each item's own version. So a write-behind
/// projection whose last write was lost (a crash, or a flush refused because a new activation wrote first) catches
/// up from the stream instead of missing those seconds until the next change of each item.
/// </summary>
[GenerateSerializer, Immutable, Alias("od.stream-resume-point")]
public sealed record StreamResumePoint([property: Id(0)] long SequenceNumber, [property: Id(1)] int EventIndex)
{
    public static StreamResumePoint? After(StreamSequenceToken? token, StreamResumePoint? current) =>
        token is null ? current : new StreamResumePoint(token.SequenceNumber, token.EventIndex);

    /// <summary>Both stream providers here number their events with <see cref="EventSequenceTokenV2"/>.</summary>
    public StreamSequenceToken ToToken() => new EventSequenceTokenV2(SequenceNumber, EventIndex);
}
