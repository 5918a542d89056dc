using System.Text;
using OrleansDelivery.Runtime.Streams;

namespace OrleansDelivery.Runtime.Postgres.Tests;

/// <summary>The behaviour every stream log must share; run once per provider.</summary>
public abstract class StreamLogConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A log that keeps at most <paramref name="maxEventsPerStream"/> events of each stream.</summary>
    protected abstract Task<IStreamLog> CreateLogAsync(int? maxEventsPerStream = null);

    /// <summary>Lets the log apply its retention now (a provider that trims on append has nothing to do).</summary>
    protected abstract Task ApplyRetentionAsync(IStreamLog log);

    /// <summary>Appends to <paramref name="streamId"/> as another producer would (another silo, where there can be one).</summary>
    protected abstract Task<long> AppendElsewhereAsync(IStreamLog log, StreamId streamId, ReadOnlyMemory<byte> payload);

    [Fact]
    public async Task A_stream_never_written_is_empty()
    {
        var log = await CreateLogAsync();
        var stream = NewStream();

        Assert.Equal(0, await log.GetLastSequenceAsync(stream, Cancellation));
        Assert.Empty(await log.ReadAsync(stream, 0, 100, Cancellation));
    }

    [Fact]
    public async Task Appends_are_numbered_from_one_and_read_back_in_order()
    {
        var log = await CreateLogAsync();
        var stream = NewStream();

        var sequences = new List<long>();
        foreach (var status in new[] { "placed", "cooking", "on its way" })
        {
            sequences.Add(await log.AppendAsync(stream, Json(status), Now, Cancellation));
        }

        var events = await log.ReadAsync(stream, 0, 100, Cancellation);

        Assert.Equal([1, 2, 3], sequences);
        Assert.Equal([1, 2, 3], events.Select(e => e.Sequence));
        Assert.Equal(["placed", "cooking", "on its way"], events.Select(e => StatusOf(e.Payload)));
        Assert.All(events, e => Assert.Equal(stream, e.StreamId));
        Assert.All(events, e => Assert.Equal(Now, e.Timestamp));
        Assert.Equal(3, await log.GetLastSequenceAsync(stream, Cancellation));
    }

    [Fact]
    public async Task Reading_after_a_sequence_returns_only_the_later_events_up_to_the_limit()
    {
        var log = await CreateLogAsync();
        var stream = NewStream();
        for (var i = 1; i <= 10; i++)
        {
            await log.AppendAsync(stream, Json($"s{i}"), Now, Cancellation);
        }

        var page = await log.ReadAsync(stream, 4, 3, Cancellation);
        var tail = await log.ReadAsync(stream, 8, 100, Cancellation);

        Assert.Equal([5, 6, 7], page.Select(e => e.Sequence));
        Assert.Equal(["s9", "s10"], tail.Select(e => StatusOf(e.Payload)));
        Assert.Empty(await log.ReadAsync(stream, 10, 100, Cancellation));
    }

    [Fact]
    public async Task Streams_are_numbered_independently()
    {
        var log = await CreateLogAsync();
        var key = Guid.NewGuid().ToString("N");
        var orders = StreamId.Create("orders", key);
        var couriers = StreamId.Create("couriers", key);

        await log.AppendAsync(orders, Json("a"), Now, Cancellation);
        await log.AppendAsync(orders, Json("b"), Now, Cancellation);
        var first = await log.AppendAsync(couriers, Json("c"), Now, Cancellation);

        Assert.Equal(1, first);
        Assert.Equal(["c"], (await log.ReadAsync(couriers, 0, 10, Cancellation)).Select(e => StatusOf(e.Payload)));
    }

    [Fact]
    public async Task Eight_concurrent_producers_get_gap_free_sequences()
    {
        const int Producers = 8;
        const int AppendsEach = 200;
        var log = await CreateLogAsync();
        var stream = NewStream();

        var producers = Enumerable.Range(0, Producers).Select(producer => Task.Run(async () =>
        {
            var sequences = new List<long>();
            for (var i = 0; i < AppendsEach; i++)
            {
                sequences.Add(await log.AppendAsync(stream, Json($"{producer}:{i}"), Now, Cancellation));
            }

            return sequences;
        })).ToList();
        var returned = (await Task.WhenAll(producers)).SelectMany(s => s).Order().ToList();
        var stored = await ReadAllAsync(log, stream);

        Assert.Equal(Enumerable.Range(1, Producers * AppendsEach).Select(i => (long)i), returned);
        Assert.Equal(Enumerable.Range(1, Producers * AppendsEach).Select(i => (long)i), stored.Select(e => e.Sequence));
        Assert.Equal(Producers * AppendsEach, await log.GetLastSequenceAsync(stream, Cancellation));
        foreach (var producer in Enumerable.Range(0, Producers))
        {
            // Each producer's events are stored in the order it appended them.
            var mine = stored.Select(e => StatusOf(e.Payload)).Where(s => s.StartsWith($"{producer}:", StringComparison.Ordinal));
            Assert.Equal(Enumerable.Range(0, AppendsEach).Select(i => $"{producer}:{i}"), mine);
        }
    }

    [Fact]
    public async Task A_watcher_is_woken_by_an_append_from_another_producer()
    {
        var log = await CreateLogAsync();
        var stream = NewStream();
        var woken = new SemaphoreSlim(0);
        using var watch = log.Watch(stream, () => woken.Release());
        await ReadyToWatchAsync(log, woken);

        await AppendElsewhereAsync(log, stream, Json("placed"));
        await woken.WaitAsync(Cancellation);

        Assert.Equal(["placed"], (await log.ReadAsync(stream, 0, 10, Cancellation)).Select(e => StatusOf(e.Payload)));
    }

    [Fact]
    public async Task Retention_removes_the_oldest_events_but_keeps_the_numbering()
    {
        var log = await CreateLogAsync(maxEventsPerStream: 3);
        var stream = NewStream();
        var untouched = NewStream();
        for (var i = 1; i <= 10; i++)
        {
            await log.AppendAsync(stream, Json($"s{i}"), Now, Cancellation);
        }

        await log.AppendAsync(untouched, Json("only"), Now, Cancellation);

        await ApplyRetentionAsync(log);

        Assert.Equal([8, 9, 10], (await log.ReadAsync(stream, 0, 100, Cancellation)).Select(e => e.Sequence));
        Assert.Equal(10, await log.GetLastSequenceAsync(stream, Cancellation));
        Assert.Equal(11, await log.AppendAsync(stream, Json("s11"), Now, Cancellation));
        Assert.Single(await log.ReadAsync(untouched, 0, 100, Cancellation));
    }

    /// <summary>Waits until appends will be noticed, then forgets the wake-ups that preparation caused.</summary>
    protected virtual Task ReadyToWatchAsync(IStreamLog log, SemaphoreSlim woken) => Task.CompletedTask;

    protected static StreamId NewStream() => StreamId.Create("orders", Guid.NewGuid().ToString("N"));

    protected static ReadOnlyMemory<byte> Json(string status) => Encoding.UTF8.GetBytes($$"""{"status":"{{status}}"}""");

    protected static string StatusOf(ReadOnlyMemory<byte> payload)
    {
        using var document = System.Text.Json.JsonDocument.Parse(payload);
        return document.RootElement.GetProperty("status").GetString()!;
    }

    protected static async Task<List<StoredStreamEvent>> ReadAllAsync(IStreamLog log, StreamId stream)
    {
        var all = new List<StoredStreamEvent>();
        while (true)
        {
            var page = await log.ReadAsync(stream, all.Count == 0 ? 0 : all[^1].Sequence, 500, Cancellation);
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }
}

public sealed class MemoryStreamLogConformanceTests : StreamLogConformanceTests
{
    protected override Task<IStreamLog> CreateLogAsync(int? maxEventsPerStream = null) =>
        Task.FromResult<IStreamLog>(maxEventsPerStream is { } max
            ? new MemoryStreamLog(new MemoryStreamLogOptions { MaxEventsPerStream = max })
            : new MemoryStreamLog());

    protected override Task ApplyRetentionAsync(IStreamLog log) => Task.CompletedTask;

    protected override Task<long> AppendElsewhereAsync(IStreamLog log, StreamId streamId, ReadOnlyMemory<byte> payload) =>
        Task.Run(() => log.AppendAsync(streamId, payload, DateTimeOffset.UnixEpoch, Cancellation));
}

public sealed class PostgresStreamLogConformanceTests : StreamLogConformanceTests
{
    private PostgresTestDatabase _database = null!;

    public override async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public override async ValueTask DisposeAsync() => await _database.DisposeAsync();

    protected override Task<IStreamLog> CreateLogAsync(int? maxEventsPerStream = null) =>
        Task.FromResult<IStreamLog>(_database.CreateStreamLog(
            options: new PostgresStorageOptions { StreamMaxEventsPerStream = maxEventsPerStream }));

    protected override async Task ApplyRetentionAsync(IStreamLog log) => await ((PostgresStreamLog)log).TrimAsync(Cancellation);

    protected override async Task<long> AppendElsewhereAsync(IStreamLog log, StreamId streamId, ReadOnlyMemory<byte> payload)
    {
        // Another silo: its own data source, connection and log instance on the same database.
        var otherSilo = _database.CreateStreamLog(dataSource: _database.CreateDataSource());
        return await otherSilo.AppendAsync(streamId, payload, DateTimeOffset.UnixEpoch, Cancellation);
    }

    protected override async Task ReadyToWatchAsync(IStreamLog log, SemaphoreSlim woken)
    {
        // Once listening, the log wakes every watcher once (appends made before LISTEN took effect notified nobody).
        await ((PostgresStreamLog)log).WhenListeningAsync().WaitAsync(Cancellation);
        await woken.WaitAsync(Cancellation);
    }

    [Fact]
    public async Task Payloads_are_stored_as_json_an_operator_can_query()
    {
        var log = _database.CreateStreamLog();
        var stream = NewStream();
        await log.AppendAsync(stream, Json("delivered"), DateTimeOffset.UnixEpoch, Cancellation);

        var status = await _database.QueryScalarAsync<string>(
            "SELECT payload ->> 'status' FROM orleans_stream_events WHERE stream_key = $1 AND sequence = 1",
            stream.Key);

        Assert.Equal("delivered", status);
    }

    [Fact]
    public async Task Retention_by_age_removes_events_older_than_the_maximum()
    {
        var log = _database.CreateStreamLog(options: new PostgresStorageOptions { StreamMaxAge = TimeSpan.FromHours(1) });
        var stream = NewStream();
        var now = TimeProvider.System.GetUtcNow();
        await log.AppendAsync(stream, Json("old"), now.AddHours(-3), Cancellation);
        await log.AppendAsync(stream, Json("older than an hour"), now.AddMinutes(-61), Cancellation);
        await log.AppendAsync(stream, Json("recent"), now.AddMinutes(-5), Cancellation);

        var removed = await log.TrimAsync(Cancellation);

        Assert.Equal(2, removed);
        Assert.Equal(["recent"], (await log.ReadAsync(stream, 0, 10, Cancellation)).Select(e => StatusOf(e.Payload)));
        Assert.Equal(3, await log.GetLastSequenceAsync(stream, Cancellation));
    }

    [Fact]
    public async Task The_background_trim_applies_retention_on_its_own()
    {
        var log = _database.CreateStreamLog(options: new PostgresStorageOptions
        {
            StreamMaxEventsPerStream = 2,
            StreamTrimInterval = TimeSpan.FromMilliseconds(50),
        });
        var stream = NewStream();
        for (var i = 1; i <= 5; i++)
        {
            await log.AppendAsync(stream, Json($"s{i}"), DateTimeOffset.UnixEpoch, Cancellation);
        }

        await log.InitializeAsync(Cancellation);
        while ((await log.ReadAsync(stream, 0, 10, Cancellation)).Count > 2)
        {
            await Task.Delay(20, Cancellation);
        }

        Assert.Equal([4, 5], (await log.ReadAsync(stream, 0, 10, Cancellation)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Stream_providers_and_services_sharing_a_database_keep_separate_logs()
    {
        var stream = NewStream();
        var defaultLog = _database.CreateStreamLog("Default");
        var auditLog = _database.CreateStreamLog("Audit");
        var otherService = _database.CreateStreamLog("Default", new PostgresStorageOptions { ServiceId = "other-service" });

        await defaultLog.AppendAsync(stream, Json("default"), DateTimeOffset.UnixEpoch, Cancellation);
        var auditFirst = await auditLog.AppendAsync(stream, Json("audit"), DateTimeOffset.UnixEpoch, Cancellation);

        Assert.Equal(1, auditFirst);
        Assert.Equal(0, await otherService.GetLastSequenceAsync(stream, Cancellation));
        Assert.NotEqual(defaultLog.NotificationChannel, auditLog.NotificationChannel);
        Assert.NotEqual(defaultLog.NotificationChannel, otherService.NotificationChannel);
    }

    [Fact]
    public async Task Watchers_of_one_stream_are_not_woken_by_another_streams_appends()
    {
        var log = (PostgresStreamLog)await CreateLogAsync();
        var watched = NewStream();
        var other = NewStream();
        var watchedWoken = new SemaphoreSlim(0);
        var otherWoken = new SemaphoreSlim(0);
        using var watchOther = log.Watch(other, () => otherWoken.Release());
        using var watch = log.Watch(watched, () => watchedWoken.Release());
        await log.WhenListeningAsync().WaitAsync(Cancellation);
        await otherWoken.WaitAsync(Cancellation);
        await watchedWoken.WaitAsync(Cancellation);

        await AppendElsewhereAsync(log, other, Json("x"));
        await AppendElsewhereAsync(log, watched, Json("y"));
        await otherWoken.WaitAsync(Cancellation);
        await watchedWoken.WaitAsync(Cancellation);

        // Notifications arrive in commit order on one connection: a wake-up caused by the first append would be counted by now.
        Assert.Equal(0, watchedWoken.CurrentCount);
    }
}
