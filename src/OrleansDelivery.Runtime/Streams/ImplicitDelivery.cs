using System.Text.Json;
using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Streams;

/// <summary>Delivers one stream's events, in order, to the grain of one implicitly subscribed class.</summary>
internal abstract class ImplicitDelivery
{
    public abstract Task Completion { get; }

    public abstract void Signal();
}

/// <summary>
/// Starts at the first event this silo published on the stream after start-up and calls
/// <see cref="IAsyncObserver{T}.OnNextAsync"/> on the grain whose key is the stream key, one event at a time.
/// </summary>
internal sealed class ImplicitDelivery<T> : ImplicitDelivery
{
    private readonly StreamReader _reader;
    private readonly LogStreamProvider _provider;
    private readonly GrainId _target;
    private int _started;

    public ImplicitDelivery(LogStreamProvider provider, StreamId streamId, GrainClassRegistration grainClass, long firstSequence)
    {
        _provider = provider;
        _target = new GrainId(grainClass.GrainType, streamId.Key);

        // The event that caused this delivery to be created is already in the log: start just before it.
        _reader = new StreamReader(provider, streamId, firstSequence - 1, DeliverAsync);
    }

    public override Task Completion => _reader.Completion;

    public override void Signal()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _reader.Start();
        }

        _reader.Signal();
    }

    private async Task DeliverAsync(StoredStreamEvent storedEvent, CancellationToken cancellationToken)
    {
        var request = new StreamEventRequest<T>
        {
            Item = _provider.Runtime.Serializer.Deserialize<T>(storedEvent.Payload.Span),
            Token = new StreamSequenceToken(storedEvent.StreamId, storedEvent.Sequence, storedEvent.Timestamp),
        };

        try
        {
            _provider.Runtime.Send(_target, request);
            await request.ResultTask;
        }
        catch (Exception exception)
        {
            LogStreamProvider.Logs.DeliveryFailed(_provider.Runtime.Logger, exception, storedEvent.StreamId, storedEvent.Sequence, _target.ToString());
        }
    }
}

/// <summary>The call that hands a stream event to an implicitly subscribed grain.</summary>
internal sealed class StreamEventRequest<T> : GrainRequest<VoidResult>
{
    public T Item { get; set; } = default!;

    public StreamSequenceToken Token { get; set; }

    public override string InterfaceName => "IAsyncObserver";

    public override string MethodName => "OnNextAsync";

    public override string MethodId => $"OrleansDelivery.Runtime.IAsyncObserver<{typeof(T).FullName}>.OnNextAsync";

    public override void WriteArguments(Utf8JsonWriter writer, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        JsonSerializer.Serialize(writer, Item, options);
        JsonSerializer.Serialize(writer, Token, options);
        writer.WriteEndArray();
    }

    public override void ReadArguments(ref Utf8JsonReader reader, JsonSerializerOptions options)
    {
        reader.Read();
        Item = JsonSerializer.Deserialize<T>(ref reader, options)!;
        reader.Read();
        Token = JsonSerializer.Deserialize<StreamSequenceToken>(ref reader, options);
        reader.Read();
    }

    protected override ValueTask<VoidResult> InvokeAsync(object grain) =>
        grain is IAsyncObserver<T> observer
            ? VoidResult.From(observer.OnNextAsync(Item, Token))
            : throw new InvalidOperationException($"Grain {Target} subscribes implicitly to {Token.StreamId.Namespace} but does not implement IAsyncObserver<{typeof(T).Name}>.");
}
