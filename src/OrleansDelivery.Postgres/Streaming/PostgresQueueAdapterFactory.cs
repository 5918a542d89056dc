using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Streams;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>
/// Orleans persistent streams on PostgreSQL. Producers append to the queue Orleans' hash ring gives their stream; the
/// pulling agent of each queue (on whichever silo Orleans' balancer gives it) reads through a
/// <see cref="PostgresQueueReceiver"/> and caches through a <see cref="PostgresQueueCache"/>.
/// </summary>
public sealed class PostgresQueueAdapterFactory : IQueueAdapterFactory, IQueueAdapter
{
    private readonly PostgresStreamStore _store;
    private readonly PostgresStreamOptions _options;
    private readonly HashRingBasedStreamQueueMapper _mapper;
    private readonly PostgresQueueAdapterCache _cache;
    private readonly ConcurrentDictionary<QueueId, QueueReadPosition> _positions = new();
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;

    public PostgresQueueAdapterFactory(string name, PostgresStreamOptions options, PostgresStreamStore store, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _store = store;
        _time = time;
        _loggerFactory = loggerFactory;
        _mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = options.QueueCount }, name);
        _cache = new PostgresQueueAdapterCache(options.CacheSize, store, PositionOf, loggerFactory);
    }

    public string Name { get; }

    /// <summary>A subscription may start from an earlier token: from the cache, or from the table when the cache no longer has it.</summary>
    public bool IsRewindable => true;

    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    /// <summary>What <c>AddPersistentStreams</c> calls to build the provider named <paramref name="name"/>.</summary>
    public static PostgresQueueAdapterFactory Create(IServiceProvider services, string name) => new(
        name,
        services.GetRequiredService<IOptionsMonitor<PostgresStreamOptions>>().Get(name),
        services.GetRequiredKeyedService<PostgresStreamStore>(name),
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        services.GetRequiredService<ILoggerFactory>());

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    public Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken) => Task.FromResult<IQueueAdapter>(this);

    public IQueueAdapterCache GetQueueAdapterCache() => _cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    // A subscriber that keeps failing on an event is skipped past it, as with memory streams, rather than faulted.
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler(faultOnError: false));

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("The PostgreSQL stream provider numbers events itself; a producer cannot give a token.", nameof(token));
        }

        var items = events.Cast<object>().ToList();
        if (items.Count == 0)
        {
            return;
        }

        var queue = _mapper.GetQueueForStream(streamId);
        var payload = _store.Serialize(new PostgresStreamPayload(items, requestContext));
        await _store.Appender.AppendAsync(QueueNumber(queue), new PendingMessage(streamId, items.Count, payload));
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new PostgresQueueReceiver(
        queueId,
        _store,
        PositionOf(queueId),
        _options.FallbackReadPeriod,
        _options.CheckpointPeriod,
        _time,
        _loggerFactory.CreateLogger<PostgresQueueReceiver>());

    /// <summary>The queue's number in the tables: its index on Orleans' hash ring, 0 to QueueCount - 1.</summary>
    internal static int QueueNumber(QueueId queueId) => (int)queueId.GetNumericId();

    private QueueReadPosition PositionOf(QueueId queueId) => _positions.GetOrAdd(queueId, _ => new QueueReadPosition());
}

/// <summary>
/// Where a queue's receiver started reading on this node: its cache holds nothing older, so a rewind to before it
/// reads the table.
/// </summary>
internal sealed class QueueReadPosition
{
    private long _startedAt;

    public long StartedAt
    {
        get => Volatile.Read(ref _startedAt);
        set => Volatile.Write(ref _startedAt, value);
    }
}
