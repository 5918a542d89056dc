using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Streams;

/// <summary>
/// A stream provider over an <see cref="IStreamLog"/> (memory or PostgreSQL). Publishing appends to the log;
/// every subscription reads the log from its own position, so a subscriber that comes back with the last
/// sequence it saw resumes without gaps or repeats.
/// </summary>
internal sealed partial class LogStreamProvider(string name, IStreamLog log, GrainRuntime runtime) : IStreamProvider, IAsyncDisposable
{
    private readonly ConcurrentDictionary<(StreamId, string), ImplicitDelivery> _implicitDeliveries = new();
    private readonly CancellationTokenSource _stopping = new();
    private Dictionary<string, GrainClassRegistration[]>? _implicitSubscribers;

    public string Name => name;

    public IStreamLog Log => log;

    public GrainRuntime Runtime => runtime;

    public CancellationToken StoppingToken => _stopping.Token;

    public IAsyncStream<T> GetStream<T>(StreamId streamId) => new AsyncStream<T>(this, streamId);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var delivery in _implicitDeliveries.Values)
        {
            await delivery.Completion;
        }
    }

    /// <summary>Called after this silo appended an event: grains subscribed implicitly get it, in order.</summary>
    public void OnAppended<T>(StreamId streamId, long sequence)
    {
        foreach (var grainClass in ImplicitSubscribersOf(streamId.Namespace))
        {
            var delivery = _implicitDeliveries.GetOrAdd(
                (streamId, grainClass.GrainType),
                static (key, state) => new ImplicitDelivery<T>(state.Provider, key.Item1, state.GrainClass, state.Sequence),
                (Provider: this, GrainClass: grainClass, Sequence: sequence));
            delivery.Signal();
        }
    }

    private GrainClassRegistration[] ImplicitSubscribersOf(string streamNamespace)
    {
        _implicitSubscribers ??= runtime.Registry.Classes
            .SelectMany(c => c.ImplicitSubscriptions
                .Where(s => s.StreamProviderName == name)
                .Select(s => (s.StreamNamespace, Class: c)))
            .GroupBy(x => x.StreamNamespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Class).ToArray(), StringComparer.Ordinal);
        return _implicitSubscribers.TryGetValue(streamNamespace, out var subscribers) ? subscribers : [];
    }

    internal static partial class Logs
    {
        [LoggerMessage(40, LogLevel.Warning, "Stream {StreamId}: delivering event {Sequence} to {Subscriber} failed")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, StreamId streamId, long sequence, string subscriber);

        [LoggerMessage(41, LogLevel.Warning, "Stream {StreamId}: reading the log failed; retrying")]
        public static partial void ReadFailed(ILogger logger, Exception exception, StreamId streamId);
    }

    private sealed class AsyncStream<T>(LogStreamProvider provider, StreamId streamId) : IAsyncStream<T>
    {
        public StreamId StreamId => streamId;

        public async Task<long> OnNextAsync(T item, CancellationToken cancellationToken = default)
        {
            var payload = provider.Runtime.Serializer.Serialize(item);
            var sequence = await provider.Log.AppendAsync(streamId, payload, provider.Runtime.TimeProvider.GetUtcNow(), cancellationToken)
                .ConfigureAwait(false);
            provider.OnAppended<T>(streamId, sequence);
            return sequence;
        }

        public async Task<StreamSubscriptionHandle> SubscribeAsync(IAsyncObserver<T> observer, long? afterSequence = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(observer);
            if (afterSequence < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(afterSequence), afterSequence, "Sequence numbers start at 1; use 0 for the whole stream.");
            }

            // Inside a grain, events arrive as turns of that grain and the subscription ends with the activation.
            var activation = (SynchronizationContext.Current as TurnContext)?.Activation;
            var start = afterSequence ?? await provider.Log.GetLastSequenceAsync(streamId, cancellationToken);
            var subscription = new StreamSubscription<T>(provider, streamId, observer, start, activation);
            if (activation is not null && !activation.TryAddResource(subscription))
            {
                throw new InvalidOperationException($"Grain {activation.GrainId} is deactivating and cannot subscribe to {streamId}.");
            }

            subscription.Start();
            return subscription;
        }

        public Task<long> GetLastSequenceAsync(CancellationToken cancellationToken = default) =>
            provider.Log.GetLastSequenceAsync(streamId, cancellationToken);
    }
}
