using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>
/// What one stream provider of a node shares between its producer side, its receivers and its caches: the log, the
/// notifications, and the codec between rows and Orleans batch containers. A keyed singleton per provider name, so
/// the container disposes it (and the data source it may own) when the node stops.
/// </summary>
public sealed partial class PostgresStreamStore : IAsyncDisposable
{
    private readonly Serializer _serializer;
    private readonly NpgsqlDataSource? _ownedDataSource;
    private readonly ILogger<PostgresStreamStore> _logger;
    private readonly ConcurrentDictionary<int, bool> _reading = new();
    private long _tableReads;

    private PostgresStreamStore(
        PostgresStreamLog log,
        NpgsqlDataSource? ownedDataSource,
        Serializer serializer,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        Log = log;
        _ownedDataSource = ownedDataSource;
        _serializer = serializer;
        _logger = loggerFactory.CreateLogger<PostgresStreamStore>();
        Appender = new PostgresStreamAppender(log);
        Notifications = new PostgresStreamNotifications(log, time, loggerFactory.CreateLogger<PostgresStreamNotifications>());
    }

    public PostgresStreamLog Log { get; }

    public PostgresStreamNotifications Notifications { get; }

    internal PostgresStreamAppender Appender { get; }

    /// <summary>The queues this node reads now (Orleans' balancer decides), for health pages and tests.</summary>
    public IReadOnlyList<int> QueuesReading => [.. _reading.Keys.Order()];

    /// <summary>How many pages rewinds (and subscribers that fell behind the cache) have read from the table.</summary>
    public long TableReads => Interlocked.Read(ref _tableReads);

    internal void CountTableRead() => Interlocked.Increment(ref _tableReads);

    internal void StartedReading(int queueId) => _reading[queueId] = true;

    internal void StoppedReading(int queueId) => _reading.TryRemove(queueId, out _);

    internal static PostgresStreamStore Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<PostgresStreamOptions>>().Get(name);
        var serviceId = services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        NpgsqlDataSource? owned = null;
        var dataSource = services.GetService<NpgsqlDataSource>();
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            if (string.IsNullOrEmpty(builder.ApplicationName))
            {
                builder.ApplicationName = "OrleansDelivery streams";
            }

            dataSource = owned = NpgsqlDataSource.Create(builder.ConnectionString);
        }

        if (dataSource is null)
        {
            throw new OrleansConfigurationException(
                $"PostgreSQL stream provider '{name}': {PostgresStreamOptions.Section}:{nameof(PostgresStreamOptions.ConnectionString)} is required where no PostgreSQL data source is registered.");
        }

        return new PostgresStreamStore(
            new PostgresStreamLog(dataSource, serviceId, name, time),
            owned,
            services.GetRequiredService<Serializer>(),
            time,
            services.GetRequiredService<ILoggerFactory>());
    }

    internal byte[] Serialize(PostgresStreamPayload payload) => _serializer.SerializeToArray(payload);

    /// <summary>The batch container of a stored message, or null (logged) when its payload cannot be read.</summary>
    internal PostgresBatchContainer? ToContainer(StoredStreamMessage message)
    {
        try
        {
            var payload = _serializer.Deserialize<PostgresStreamPayload>(message.Payload)
                ?? throw new InvalidOperationException("The payload deserialized to nothing.");
            return new PostgresBatchContainer(message.StreamId, new EventSequenceTokenV2(message.Sequence), payload.Events, payload.RequestContext);
        }
        catch (Exception exception)
        {
            // One unreadable row (say, an event type this build no longer has) must not stop its whole queue.
            LogUnreadable(_logger, exception, Log.ProviderName, message.QueueId, message.Sequence, message.StreamId);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Appender.DisposeAsync();
        await Notifications.DisposeAsync();
        if (_ownedDataSource is not null)
        {
            await _ownedDataSource.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream provider {ProviderName} skips message {Sequence} of queue {QueueId} (stream {StreamId}): its payload cannot be deserialized")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string providerName, int queueId, long sequence, StreamId streamId);
}
