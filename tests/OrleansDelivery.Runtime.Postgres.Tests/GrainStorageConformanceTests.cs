using OrleansDelivery.Runtime.Persistence;

namespace OrleansDelivery.Runtime.Postgres.Tests;

/// <summary>The behaviour every grain storage provider must share; run once per provider.</summary>
public abstract class GrainStorageConformanceTests : IAsyncLifetime
{
    private const string StateName = "cart";

    protected IGrainStorage Storage { get; private set; } = null!;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Storage = await CreateStorageAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected abstract Task<IGrainStorage> CreateStorageAsync();

    [Fact]
    public async Task Reading_a_state_never_written_gives_a_fresh_state_without_etag()
    {
        var state = await ReadAsync(NewGrain());

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Empty(state.State.Items);
    }

    [Fact]
    public async Task A_first_write_is_read_back_by_another_activation()
    {
        var grain = NewGrain();
        var writer = new TestGrainState<CartState> { State = new CartState { Items = ["pizza", "cola"], Note = "ring twice" } };

        await Storage.WriteStateAsync(StateName, grain, writer, Cancellation);
        var reader = await ReadAsync(grain);

        Assert.True(writer.RecordExists);
        Assert.NotNull(writer.ETag);
        Assert.True(reader.RecordExists);
        Assert.Equal(writer.ETag, reader.ETag);
        Assert.Equal(["pizza", "cola"], reader.State.Items);
        Assert.Equal("ring twice", reader.State.Note);
    }

    [Fact]
    public async Task An_update_replaces_the_state_and_moves_the_etag()
    {
        var grain = NewGrain();
        var state = new TestGrainState<CartState> { State = new CartState { Items = ["pizza"] } };
        await Storage.WriteStateAsync(StateName, grain, state, Cancellation);
        var firstETag = state.ETag;

        state.State = new CartState { Items = ["pizza", "salad"] };
        await Storage.WriteStateAsync(StateName, grain, state, Cancellation);
        var reader = await ReadAsync(grain);

        Assert.NotEqual(firstETag, state.ETag);
        Assert.Equal(state.ETag, reader.ETag);
        Assert.Equal(["pizza", "salad"], reader.State.Items);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_fails_and_keeps_the_newer_state()
    {
        var grain = NewGrain();
        await Storage.WriteStateAsync(StateName, grain, new TestGrainState<CartState> { State = new CartState { Note = "v1" } }, Cancellation);
        var first = await ReadAsync(grain);
        var second = await ReadAsync(grain);

        first.State = new CartState { Note = "first" };
        await Storage.WriteStateAsync(StateName, grain, first, Cancellation);
        second.State = new CartState { Note = "second" };
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(
            () => Storage.WriteStateAsync(StateName, grain, second, Cancellation));

        Assert.Equal(first.ETag, conflict.StoredEtag);
        Assert.Equal("first", (await ReadAsync(grain)).State.Note);
    }

    [Fact]
    public async Task A_first_write_loses_to_a_record_written_meanwhile()
    {
        var grain = NewGrain();
        var early = await ReadAsync(grain);
        var late = await ReadAsync(grain);

        early.State = new CartState { Note = "early" };
        await Storage.WriteStateAsync(StateName, grain, early, Cancellation);
        late.State = new CartState { Note = "late" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, late, Cancellation));
        Assert.Equal("early", (await ReadAsync(grain)).State.Note);
    }

    [Fact]
    public async Task Clearing_removes_the_record_but_keeps_the_version_moving()
    {
        var grain = NewGrain();
        var state = new TestGrainState<CartState> { State = new CartState { Items = ["pizza"] } };
        await Storage.WriteStateAsync(StateName, grain, state, Cancellation);
        var stale = await ReadAsync(grain);

        await Storage.ClearStateAsync(StateName, grain, state, Cancellation);
        var afterClear = await ReadAsync(grain);

        Assert.False(state.RecordExists);
        Assert.NotNull(state.ETag);
        Assert.NotEqual(stale.ETag, state.ETag);
        Assert.False(afterClear.RecordExists);
        Assert.Equal(state.ETag, afterClear.ETag);
        Assert.Empty(afterClear.State.Items);

        stale.State = new CartState { Note = "stale" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(StateName, grain, stale, Cancellation));

        afterClear.State = new CartState { Note = "after clear" };
        await Storage.WriteStateAsync(StateName, grain, afterClear, Cancellation);
        var reread = await ReadAsync(grain);
        Assert.True(reread.RecordExists);
        Assert.Equal("after clear", reread.State.Note);
    }

    [Fact]
    public async Task Clearing_with_a_stale_etag_fails_and_keeps_the_record()
    {
        var grain = NewGrain();
        var state = new TestGrainState<CartState> { State = new CartState { Note = "v1" } };
        await Storage.WriteStateAsync(StateName, grain, state, Cancellation);
        var stale = await ReadAsync(grain);
        state.State = new CartState { Note = "v2" };
        await Storage.WriteStateAsync(StateName, grain, state, Cancellation);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearStateAsync(StateName, grain, stale, Cancellation));

        var reread = await ReadAsync(grain);
        Assert.True(reread.RecordExists);
        Assert.Equal("v2", reread.State.Note);
    }

    [Fact]
    public async Task Clearing_a_state_never_written_is_harmless()
    {
        var grain = NewGrain();
        var state = await ReadAsync(grain);

        await Storage.ClearStateAsync(StateName, grain, state, Cancellation);
        state.State = new CartState { Note = "first" };
        await Storage.WriteStateAsync(StateName, grain, state, Cancellation);

        Assert.Equal("first", (await ReadAsync(grain)).State.Note);
    }

    [Fact]
    public async Task Of_fifty_concurrent_first_writes_exactly_one_wins()
    {
        var grain = NewGrain();
        using var start = new ManualResetEventSlim();
        var writers = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            start.Wait(Cancellation);
            var state = new TestGrainState<CartState> { State = new CartState { Note = $"writer {i}" } };
            try
            {
                await Storage.WriteStateAsync(StateName, grain, state, Cancellation);
                return state.State.Note;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        })).ToList();

        start.Set();
        var results = await Task.WhenAll(writers);

        var winner = Assert.Single(results, note => note is not null);
        Assert.Equal(winner, (await ReadAsync(grain)).State.Note);
    }

    [Fact]
    public async Task A_one_megabyte_state_round_trips()
    {
        var grain = NewGrain();
        var note = string.Create(1024 * 1024, 0, (chars, _) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + (i * 7 % 26));
            }
        });
        var state = new TestGrainState<CartState> { State = new CartState { Note = note } };

        await Storage.WriteStateAsync(StateName, grain, state, Cancellation);

        Assert.Equal(note, (await ReadAsync(grain)).State.Note);
    }

    [Theory]
    [InlineData("Ünïcödé-ключ-键-🚚")]
    [InlineData("with/slash and 'quote' and \"double\" and \\ backslash")]
    public async Task Unusual_keys_and_text_are_kept_exactly(string key)
    {
        var grain = new GrainId("order", key + Guid.NewGuid().ToString("N"));
        var state = new TestGrainState<CartState> { State = new CartState { Note = "🍕 für José — 配達", Items = [key] } };

        await Storage.WriteStateAsync("état", grain, state, Cancellation);
        var reader = new TestGrainState<CartState>();
        await Storage.ReadStateAsync("état", grain, reader, Cancellation);

        Assert.Equal("🍕 für José — 配達", reader.State.Note);
        Assert.Equal([key], reader.State.Items);
        Assert.False((await ReadAsync(grain)).RecordExists);
    }

    [Fact]
    public async Task A_thousand_character_key_is_a_key_like_any_other()
    {
        var prefix = Guid.NewGuid().ToString("N");
        var longKey = prefix + new string('k', 1000 - prefix.Length);
        var almostSameKey = longKey[..^1] + "x";
        var grain = new GrainId("order", longKey);

        await Storage.WriteStateAsync(StateName, grain, new TestGrainState<CartState> { State = new CartState { Note = "long" } }, Cancellation);

        Assert.Equal(1000, longKey.Length);
        Assert.Equal("long", (await ReadAsync(grain)).State.Note);
        Assert.False((await ReadAsync(new GrainId("order", almostSameKey))).RecordExists);
    }

    [Fact]
    public async Task A_thousand_character_unicode_key_is_kept_exactly()
    {
        var key = Guid.NewGuid().ToString("N") + new string('ж', 968);
        var grain = new GrainId("order", key);

        await Storage.WriteStateAsync(StateName, grain, new TestGrainState<CartState> { State = new CartState { Note = "кириллица" } }, Cancellation);

        Assert.Equal(1000, key.Length);
        Assert.Equal("кириллица", (await ReadAsync(grain)).State.Note);
        Assert.False((await ReadAsync(new GrainId("order", key[..^1] + "з"))).RecordExists);
    }

    [Fact]
    public async Task A_key_too_long_to_store_is_refused_with_an_error_naming_the_limit()
    {
        // 1,000 CJK characters are 3,000 UTF-8 bytes: more than PostgreSQL's index takes.
        var grain = new GrainId("order", new string('键', 1000));

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => Storage.WriteStateAsync(StateName, grain, new TestGrainState<CartState> { State = new CartState { Note = "x" } }, Cancellation));

        Assert.Contains("UTF-8 bytes", error.Message);
        Assert.Contains(GrainStorageKeys.MaxUtf8Bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public async Task Two_grain_types_with_the_same_key_and_state_name_do_not_collide()
    {
        var key = Guid.NewGuid().ToString("N");
        var cart = new GrainId("cart", key);
        var order = new GrainId("order", key);

        await Storage.WriteStateAsync(StateName, cart, new TestGrainState<CartState> { State = new CartState { Note = "cart" } }, Cancellation);
        await Storage.WriteStateAsync(StateName, order, new TestGrainState<CartState> { State = new CartState { Note = "order" } }, Cancellation);

        Assert.Equal("cart", (await ReadAsync(cart)).State.Note);
        Assert.Equal("order", (await ReadAsync(order)).State.Note);
    }

    [Fact]
    public async Task Two_state_names_of_one_grain_do_not_collide()
    {
        var grain = NewGrain();

        await Storage.WriteStateAsync("cart", grain, new TestGrainState<CartState> { State = new CartState { Note = "cart" } }, Cancellation);
        await Storage.WriteStateAsync("wishlist", grain, new TestGrainState<CartState> { State = new CartState { Note = "wishlist" } }, Cancellation);

        var cart = new TestGrainState<CartState>();
        await Storage.ReadStateAsync("cart", grain, cart, Cancellation);
        Assert.Equal("cart", cart.State.Note);
    }

    protected static GrainId NewGrain() => new("cart", Guid.NewGuid().ToString("N"));

    protected async Task<TestGrainState<CartState>> ReadAsync(GrainId grain)
    {
        var state = new TestGrainState<CartState>();
        await Storage.ReadStateAsync(StateName, grain, state, Cancellation);
        return state;
    }
}

public sealed class MemoryGrainStorageConformanceTests : GrainStorageConformanceTests
{
    protected override Task<IGrainStorage> CreateStorageAsync() =>
        Task.FromResult<IGrainStorage>(new MemoryGrainStorage(new GrainStateSerializer()));
}

public sealed class PostgresGrainStorageConformanceTests : GrainStorageConformanceTests
{
    private PostgresTestDatabase _database = null!;

    public override async ValueTask DisposeAsync() => await _database.DisposeAsync();

    protected override async Task<IGrainStorage> CreateStorageAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.CreateGrainStorage();
    }

    [Fact]
    public async Task An_operator_reads_the_state_as_json_with_psql()
    {
        var grain = NewGrain();
        await Storage.WriteStateAsync("cart", grain, new TestGrainState<CartState> { State = new CartState { Note = "leave at door" } }, Cancellation);

        var note = await _database.QueryScalarAsync<string>(
            "SELECT payload ->> 'note' FROM orleans_grain_state WHERE grain_type = $1 AND grain_key = $2",
            grain.Type,
            grain.Key);
        var type = await _database.QueryScalarAsync<string>(
            "SELECT jsonb_typeof(payload) FROM orleans_grain_state WHERE grain_type = $1 AND grain_key = $2",
            grain.Type,
            grain.Key);

        Assert.Equal("leave at door", note);
        Assert.Equal("object", type);
    }

    [Fact]
    public async Task Services_sharing_a_database_do_not_see_each_others_state()
    {
        var grain = NewGrain();
        var other = _database.CreateGrainStorage(new PostgresStorageOptions { ServiceId = "other-service" });
        await Storage.WriteStateAsync("cart", grain, new TestGrainState<CartState> { State = new CartState { Note = "ours" } }, Cancellation);

        var theirs = new TestGrainState<CartState>();
        await other.ReadStateAsync("cart", grain, theirs, Cancellation);
        await other.WriteStateAsync("cart", grain, new TestGrainState<CartState> { State = new CartState { Note = "theirs" } }, Cancellation);

        Assert.False(theirs.RecordExists);
        Assert.Equal("ours", (await ReadAsync(grain)).State.Note);
    }

    [Fact]
    public async Task State_written_by_one_silo_is_read_by_another()
    {
        var grain = NewGrain();
        var otherSilo = _database.CreateGrainStorage(dataSource: _database.CreateDataSource());

        await Storage.WriteStateAsync("cart", grain, new TestGrainState<CartState> { State = new CartState { Note = "from silo 1" } }, Cancellation);
        var state = new TestGrainState<CartState>();
        await otherSilo.ReadStateAsync("cart", grain, state, Cancellation);

        Assert.Equal("from silo 1", state.State.Note);
    }

    [Fact]
    public async Task A_write_blocked_by_a_lock_stops_when_cancelled()
    {
        var grain = NewGrain();
        var state = new TestGrainState<CartState> { State = new CartState { Note = "v1" } };
        await Storage.WriteStateAsync("cart", grain, state, Cancellation);

        // An operator's open transaction holds the row, so the write waits on it until cancelled.
        await using var connection = await _database.DataSource.OpenConnectionAsync(Cancellation);
        await using var transaction = await connection.BeginTransactionAsync(Cancellation);
        await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT 1 FROM orleans_grain_state WHERE grain_key = $1 FOR UPDATE", connection, transaction))
        {
            lockRow.Parameters.Add(new Npgsql.NpgsqlParameter { Value = grain.Key });
            await lockRow.ExecuteNonQueryAsync(Cancellation);
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        state.State = new CartState { Note = "v2" };
        var write = Storage.WriteStateAsync("cart", grain, state, cancellation.Token);
        await WaitUntilBlockedAsync();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        await transaction.RollbackAsync(Cancellation);
        Assert.Equal("v1", (await ReadAsync(grain)).State.Note);
    }

    private async Task WaitUntilBlockedAsync()
    {
        while (await _database.QueryScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE orleans_grain_state%' AND datname = current_database()") == 0)
        {
            await Task.Delay(20, Cancellation);
        }
    }
}
