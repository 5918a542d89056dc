using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Streams;

/// <summary>An explicit subscription: delivers to an observer, inside its grain's turns when made in a grain.</summary>
internal sealed class StreamSubscription<T> : StreamSubscriptionHandle
{
    private readonly LogStreamProvider _provider;
    private readonly IAsyncObserver<T> _observer;
    private readonly ActivationData? _activation;
    private readonly StreamReader _reader;

    public StreamSubscription(LogStreamProvider provider, StreamId streamId, IAsyncObserver<T> observer, long afterSequence, ActivationData? activation)
    {
        _provider = provider;
        _observer = observer;
        _activation = activation;
        StreamId = streamId;
        _reader = new StreamReader(provider, streamId, afterSequence, DeliverAsync, OnEventsLostAsync);
    }

    public override StreamId StreamId { get; }

    public override long LastDeliveredSequence => _reader.Cursor;

    public void Start() => _reader.Start();

    public override async Task UnsubscribeAsync()
    {
        await _reader.StopAsync();
        _activation?.RemoveResource(this);
    }

    private async Task DeliverAsync(StoredStreamEvent storedEvent, CancellationToken cancellationToken)
    {
        var item = _provider.Runtime.Serializer.Deserialize<T>(storedEvent.Payload.Span);
        var token = new StreamSequenceToken(StreamId, storedEvent.Sequence, storedEvent.Timestamp);
        try
        {
            if (_activation is null)
            {
                await _observer.OnNextAsync(item, token);
            }
            else
            {
                await DelegateTurn.RunAsync(_activation, () => _observer.OnNextAsync(item, token));
            }
        }
        catch (ActivationEndedException)
        {
            throw;
        }
        catch (Exception exception)
        {
            // One failing event must not stop the stream for this subscriber.
            LogStreamProvider.Logs.DeliveryFailed(_provider.Runtime.Logger, exception, StreamId, storedEvent.Sequence, _observer.GetType().Name);
        }
    }

    private Task OnEventsLostAsync(long firstMissing, long lastMissing) =>
        _observer.OnErrorAsync(new StreamEventsLostException(StreamId, firstMissing, lastMissing));
}
