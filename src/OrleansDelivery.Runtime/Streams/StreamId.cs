namespace OrleansDelivery.Runtime;

/// <summary>Identifies a stream: a namespace (what kind of events) and a key (whose events).</summary>
public readonly record struct StreamId
{
    private StreamId(string streamNamespace, string key)
    {
        Namespace = streamNamespace;
        Key = key;
    }

    public string Namespace { get; }

    public string Key { get; }

    public static StreamId Create(string streamNamespace, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamNamespace);
        ArgumentNullException.ThrowIfNull(key);
        return new StreamId(streamNamespace, key);
    }

    public static StreamId Create(string streamNamespace, Guid key) => Create(streamNamespace, key.ToString("N"));

    public override string ToString() => $"{Namespace}/{Key}";
}

/// <summary>Where an event sits in its stream: sequence numbers start at 1 and have no gaps.</summary>
public readonly record struct StreamSequenceToken(StreamId StreamId, long SequenceNumber, DateTimeOffset Timestamp);
