using OrleansDelivery.Runtime.Testing.Postgres;

namespace OrleansDelivery.Runtime.Postgres.Tests;

/// <summary>
/// What a silo notices when PostgreSQL goes away and comes back. Each test stops and starts a private server
/// of its own, so the tests sharing the common server are not disturbed.
/// </summary>
public sealed class FaultTests : IAsyncLifetime
{
    private PostgresTestServer _server = null!;
    private PostgresTestDatabase _database = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresTestServer.StartPrivateAsync(Cancellation);
        _database = await PostgresTestDatabase.CreateAsync(_server);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Grain_storage_says_the_store_is_unreachable_while_the_server_is_down_and_recovers_on_its_own()
    {
        var storage = _database.CreateGrainStorage();
        var grain = new GrainId("cart", "fault");
        var state = new TestGrainState<CartState> { State = new CartState { Note = "before" } };
        await storage.WriteStateAsync("cart", grain, state, Cancellation);

        await _server.StopAsync(Cancellation);
        var whileDown = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => storage.ReadStateAsync("cart", grain, new TestGrainState<CartState>(), Cancellation));
        var writeWhileDown = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => storage.WriteStateAsync("cart", grain, state, Cancellation));
        await _server.StartAsync(Cancellation);

        state.State = new CartState { Note = "after" };
        await storage.WriteStateAsync("cart", grain, state, Cancellation);
        var reread = new TestGrainState<CartState>();
        await storage.ReadStateAsync("cart", grain, reread, Cancellation);

        Assert.StartsWith("PostgreSQL grain storage is unreachable: ", whileDown.Message, StringComparison.Ordinal);
        Assert.StartsWith("PostgreSQL grain storage is unreachable: ", writeWhileDown.Message, StringComparison.Ordinal);
        Assert.Equal("after", reread.State.Note);
    }

    [Fact]
    public async Task Reminders_and_streams_say_the_store_is_unreachable_while_the_server_is_down()
    {
        var reminders = _database.CreateReminderTable();
        var streams = _database.CreateStreamLog();
        var grain = new GrainId("order", "fault");
        var stream = StreamId.Create("orders", "fault");
        await reminders.UpsertAsync(new ReminderEntry(grain, "r", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)), Cancellation);

        await _server.StopAsync(Cancellation);
        var reminderFailure = await Assert.ThrowsAsync<StorageUnavailableException>(() => reminders.ReadAllAsync(Cancellation));
        var streamFailure = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => streams.AppendAsync(stream, "{}"u8.ToArray(), DateTimeOffset.UnixEpoch, Cancellation));
        await _server.StartAsync(Cancellation);

        Assert.StartsWith("PostgreSQL reminder table is unreachable: ", reminderFailure.Message, StringComparison.Ordinal);
        Assert.StartsWith("PostgreSQL stream log is unreachable: ", streamFailure.Message, StringComparison.Ordinal);
        Assert.Single(await reminders.ReadAllAsync(Cancellation));
        Assert.Equal(1, await streams.AppendAsync(stream, "{}"u8.ToArray(), DateTimeOffset.UnixEpoch, Cancellation));
    }

    [Fact]
    public async Task A_silo_cannot_start_while_the_server_is_down()
    {
        await _server.StopAsync(Cancellation);

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => _database.CreateMigrator().MigrateAsync(Cancellation));

        Assert.Contains("unreachable", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_watcher_hears_appends_again_after_the_server_restarts()
    {
        var log = _database.CreateStreamLog();
        var stream = StreamId.Create("orders", "restart");
        var woken = new SemaphoreSlim(0);
        using var watch = log.Watch(stream, () => woken.Release());
        await log.WhenListeningAsync().WaitAsync(Cancellation);
        await woken.WaitAsync(Cancellation);

        await _server.StopAsync(Cancellation);
        await _server.StartAsync(Cancellation);

        // After reconnecting the log wakes every watcher once, since appends made meanwhile notified nobody.
        await woken.WaitAsync(Cancellation);
        await log.WhenListeningAsync().WaitAsync(Cancellation);
        var otherSilo = _database.CreateStreamLog(dataSource: _database.CreateDataSource());
        await otherSilo.AppendAsync(stream, "{}"u8.ToArray(), DateTimeOffset.UnixEpoch, Cancellation);
        await woken.WaitAsync(Cancellation);

        Assert.Equal(1, await log.GetLastSequenceAsync(stream, Cancellation));
    }
}
