using Microsoft.Extensions.Logging.Abstractions;
using OrleansDelivery.Postgres.Streaming;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>The SQL side of the durable provider, against a database of its own per test.</summary>
public sealed class StreamLogTests : IAsyncLifetime
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private PostgresTestDatabase _database = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async ValueTask DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Each_queue_numbers_its_messages_from_one_and_reads_them_back_in_order()
    {
        var log = Log();
        var orders = StreamId.Create("orders", "a");
        var carts = StreamId.Create("carts", "b");

        var first = new[] { await Append(log, 0, orders, 1), await Append(log, 0, carts, 2), await Append(log, 0, orders, 3) };
        var other = await Append(log, 1, orders, 4);

        Assert.Equal([1L, 2, 3], first);
        Assert.Equal(1, other);
        var all = await log.ReadAsync(0, 0, 100, Cancellation);
        Assert.Equal([1L, 2, 3], all.Select(m => m.Sequence));
        Assert.Equal([orders, carts, orders], all.Select(m => m.StreamId));
        Assert.Equal([(byte)1, (byte)2, (byte)3], all.Select(m => m.Payload[0]));
        Assert.Equal([3L], (await log.ReadAsync(0, 2, 100, Cancellation)).Select(m => m.Sequence));
        Assert.Equal([1L], (await log.ReadAsync(0, 0, 1, Cancellation)).Select(m => m.Sequence));
        Assert.Equal([1L, 3], log.ReadStream(0, orders, 1, long.MaxValue, 100).Select(m => m.Sequence));
    }

    [Fact]
    public async Task Messages_appended_together_are_numbered_in_the_order_given()
    {
        var log = Log();
        await Append(log, 0, StreamId.Create("orders", "a"), 1);

        var last = await log.AppendAsync(
            0, [.. Enumerable.Range(2, 3).Select(i => new PendingMessage(StreamId.Create("orders", $"s{i}"), 1, [(byte)i]))], Cancellation);

        Assert.Equal(4, last);
        var read = await log.ReadAsync(0, 0, 100, Cancellation);
        Assert.Equal([(1L, (byte)1, "a"), (2, 2, "s2"), (3, 3, "s3"), (4, 4, "s4")], read.Select(m => (m.Sequence, m.Payload[0], m.StreamId.GetKeyAsString())));
    }

    [Fact]
    public async Task Concurrent_producers_of_one_queue_get_gap_free_sequences_in_commit_order()
    {
        var log = Log();
        var producers = Enumerable.Range(0, 8).Select(producer => Task.Run(async () =>
        {
            var stream = StreamId.Create("load", $"p{producer}");
            var mine = new List<long>();
            for (var i = 0; i < 50; i++)
            {
                mine.Add(await Append(log, 3, stream, (byte)i));
            }

            return mine;
        })).ToList();

        var returned = (await Task.WhenAll(producers)).ToList();

        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), returned.SelectMany(s => s).Order());
        Assert.All(returned, mine => Assert.Equal(mine.Order(), mine));
        Assert.Equal(400, (await log.ReadAsync(3, 0, 1000, Cancellation)).Count);
    }

    [Fact]
    public async Task An_append_from_another_node_wakes_the_listener_of_its_queue_only()
    {
        var log = Log();
        await using var notifications = new PostgresStreamNotifications(log, TimeProvider.System, NullLogger<PostgresStreamNotifications>.Instance);
        var mine = notifications.SignalOf(2);
        var other = notifications.SignalOf(5);
        await notifications.WhenListeningAsync().WaitAsync(Cancellation);
        mine.TryTake();
        other.TryTake();

        // Another node: a data source of its own.
        await using var elsewhere = Npgsql.NpgsqlDataSource.Create(_database.ConnectionString);
        await Append(new PostgresStreamLog(elsewhere, "tests", "durable", TimeProvider.System), 2, StreamId.Create("orders", "x"), 1);

        await OrleansDelivery.Testing.Wait.UntilAsync(() => Task.FromResult(mine.TryTake()), woken => woken, TimeSpan.FromSeconds(30), "the notification");
        Assert.False(other.TryTake());
        Assert.False(mine.TryTake());
    }

    [Fact]
    public async Task A_checkpoint_only_moves_forward()
    {
        var log = Log();
        Assert.Equal(0, await log.ReadCheckpointAsync(0, Cancellation));

        await log.WriteCheckpointAsync(0, 7, Cancellation);
        await log.WriteCheckpointAsync(0, 5, Cancellation);

        Assert.Equal(7, await log.ReadCheckpointAsync(0, Cancellation));
        Assert.Equal(0, await log.ReadCheckpointAsync(1, Cancellation));
    }

    [Fact]
    public async Task Retention_deletes_old_messages_a_checkpoint_has_passed_and_keeps_what_a_queue_still_needs()
    {
        var log = Log();
        var stream = StreamId.Create("orders", "old");
        for (byte i = 1; i <= 5; i++)
        {
            await Append(log, 0, stream, i);
            await Append(log, 1, stream, i);
        }

        await Append(log, 2, stream, 1);
        await log.WriteCheckpointAsync(0, 3, Cancellation);
        await log.WriteCheckpointAsync(2, 1, Cancellation);
        // Queue 0 and 1 are two days old; queue 2's one message is new.
        await _database.ExecuteAsync("UPDATE orleans_stream_messages SET appended_at = now() - interval '2 days' WHERE queue_id IN (0, 1)");

        var removed = await log.TrimAsync(Day, Cancellation);

        Assert.Equal(3, removed);
        Assert.Equal([4L, 5], (await log.ReadAsync(0, 0, 100, Cancellation)).Select(m => m.Sequence));
        Assert.Equal(5, (await log.ReadAsync(1, 0, 100, Cancellation)).Count); // never checkpointed: all still needed
        Assert.Single(await log.ReadAsync(2, 0, 100, Cancellation)); // delivered, but within the retention
        Assert.Equal(6L, await Append(log, 0, stream, 6)); // numbering goes on after a trim
    }

    [Fact]
    public async Task Retention_is_applied_by_one_node_at_a_time()
    {
        var log = Log();
        await using var connection = await _database.DataSource.OpenConnectionAsync(Cancellation);
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await using (var hold = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock($1, hashtext('tests' || E'\\n' || 'durable'))", connection, transaction))
        {
            hold.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = (int)(0x6F64_7374_7265_616D & int.MaxValue) });
            await hold.ExecuteNonQueryAsync(Cancellation);
        }

        Assert.Null(await log.TrimAsync(Day, Cancellation));
        await transaction.RollbackAsync(Cancellation);
        Assert.Equal(0, await log.TrimAsync(Day, Cancellation));
    }

    [Fact]
    public void Bad_settings_are_refused_naming_each_setting()
    {
        var options = new PostgresStreamOptions
        {
            QueueCount = 0, Retention = TimeSpan.Zero, FallbackReadPeriod = TimeSpan.FromSeconds(-1), CheckpointPeriod = TimeSpan.FromSeconds(-1), CacheSize = 2,
        };

        var problems = options.Validate(hasSharedDataSource: false);

        Assert.Equal(
            ["Streams:ConnectionString", "Streams:QueueCount", "Streams:Retention", "Streams:FallbackReadPeriod", "Streams:CheckpointPeriod", "Streams:CacheSize"],
            problems.Select(problem => problem.Split(' ')[0]));
        Assert.Empty(new PostgresStreamOptions().Validate(hasSharedDataSource: true));
    }

    [Fact]
    public async Task A_silo_with_a_bad_stream_setting_does_not_start()
    {
        var builder = new Orleans.TestingHost.InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPostgresDataSource(_database.ConnectionString);
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddPostgresStreams("durable", streams => streams.QueueCount = 0);
        });
        await using var cluster = builder.Build();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync(Cancellation));

        Assert.Contains("Streams:QueueCount must be between 1 and 1024 (was 0)", refused.ToString(), StringComparison.Ordinal);
    }

    private PostgresStreamLog Log() => new(_database.DataSource, "tests", "durable", TimeProvider.System);

    private static Task<long> Append(PostgresStreamLog log, int queue, StreamId stream, byte marker) =>
        log.AppendAsync(queue, stream, 1, [marker], Cancellation);
}
