using OrleansDelivery.Runtime.Reminders;

namespace OrleansDelivery.Runtime.Postgres.Tests;

/// <summary>The behaviour every reminder table must share; run once per provider.</summary>
public abstract class ReminderTableConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset StartAt = new(2030, 5, 17, 9, 30, 15, 250, TimeSpan.Zero);

    protected IReminderTable Table { get; private set; } = null!;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Table = await CreateTableAsync();
        await Table.InitializeAsync(Cancellation);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected abstract Task<IReminderTable> CreateTableAsync();

    [Fact]
    public async Task A_registered_reminder_is_read_back_with_its_schedule_and_etag()
    {
        var grain = NewGrain();

        var eTag = await Table.UpsertAsync(new ReminderEntry(grain, "late-delivery", StartAt, TimeSpan.FromMinutes(5)), Cancellation);
        var read = await Table.ReadAsync(grain, "late-delivery", Cancellation);

        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal("late-delivery", read.ReminderName);
        Assert.Equal(StartAt, read.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(5), read.Period);
        Assert.Equal(eTag, read.ETag);
    }

    [Fact]
    public async Task A_start_time_in_another_offset_is_the_same_instant()
    {
        var grain = NewGrain();
        var local = new DateTimeOffset(2030, 5, 17, 11, 30, 15, TimeSpan.FromHours(2));

        await Table.UpsertAsync(new ReminderEntry(grain, "r", local, TimeSpan.FromSeconds(90)), Cancellation);

        Assert.Equal(local.UtcDateTime, (await Table.ReadAsync(grain, "r", Cancellation))!.StartAt.UtcDateTime);
    }

    [Fact]
    public async Task A_reminder_never_registered_reads_as_null()
    {
        Assert.Null(await Table.ReadAsync(NewGrain(), "nothing", Cancellation));
        Assert.Empty(await Table.ReadAsync(NewGrain(), Cancellation));
    }

    [Fact]
    public async Task The_reminders_of_a_grain_are_listed_and_only_its_own()
    {
        var grain = NewGrain();
        var neighbour = NewGrain();
        await Table.UpsertAsync(new ReminderEntry(grain, "a", StartAt, TimeSpan.FromMinutes(1)), Cancellation);
        await Table.UpsertAsync(new ReminderEntry(grain, "b", StartAt, TimeSpan.FromMinutes(2)), Cancellation);
        await Table.UpsertAsync(new ReminderEntry(neighbour, "a", StartAt, TimeSpan.FromMinutes(3)), Cancellation);

        var reminders = await Table.ReadAsync(grain, Cancellation);
        var all = await Table.ReadAllAsync(Cancellation);

        Assert.Equal(["a", "b"], reminders.Select(r => r.ReminderName).Order());
        Assert.All(reminders, r => Assert.Equal(grain, r.GrainId));
        Assert.Contains(all, r => r.GrainId == neighbour && r.Period == TimeSpan.FromMinutes(3));
        Assert.Equal(2, all.Count(r => r.GrainId == grain));
    }

    [Fact]
    public async Task Re_registering_replaces_the_schedule_and_changes_the_etag()
    {
        var grain = NewGrain();
        var first = await Table.UpsertAsync(new ReminderEntry(grain, "r", StartAt, TimeSpan.FromMinutes(1)), Cancellation);

        var second = await Table.UpsertAsync(new ReminderEntry(grain, "r", StartAt.AddHours(1), TimeSpan.FromMinutes(10)), Cancellation);
        var read = await Table.ReadAsync(grain, "r", Cancellation);

        Assert.NotEqual(first, second);
        Assert.Equal(second, read!.ETag);
        Assert.Equal(StartAt.AddHours(1), read.StartAt);
        Assert.Equal(TimeSpan.FromMinutes(10), read.Period);
        Assert.Single(await Table.ReadAsync(grain, Cancellation));
    }

    [Fact]
    public async Task Removing_with_an_old_etag_keeps_the_newer_registration()
    {
        var grain = NewGrain();
        var old = await Table.UpsertAsync(new ReminderEntry(grain, "r", StartAt, TimeSpan.FromMinutes(1)), Cancellation);
        var current = await Table.UpsertAsync(new ReminderEntry(grain, "r", StartAt, TimeSpan.FromMinutes(2)), Cancellation);

        Assert.False(await Table.RemoveAsync(grain, "r", old, Cancellation));
        Assert.NotNull(await Table.ReadAsync(grain, "r", Cancellation));

        Assert.True(await Table.RemoveAsync(grain, "r", current, Cancellation));
        Assert.Null(await Table.ReadAsync(grain, "r", Cancellation));
        Assert.False(await Table.RemoveAsync(grain, "r", current, Cancellation));
    }

    [Fact]
    public async Task Removing_a_reminder_never_registered_reports_false()
    {
        Assert.False(await Table.RemoveAsync(NewGrain(), "nothing", "1", Cancellation));
    }

    protected static GrainId NewGrain() => new("order", Guid.NewGuid().ToString("N"));
}

public sealed class MemoryReminderTableConformanceTests : ReminderTableConformanceTests
{
    protected override Task<IReminderTable> CreateTableAsync() => Task.FromResult<IReminderTable>(new MemoryReminderTable());
}

public sealed class PostgresReminderTableConformanceTests : ReminderTableConformanceTests
{
    private PostgresTestDatabase _database = null!;

    public override async ValueTask DisposeAsync() => await _database.DisposeAsync();

    protected override async Task<IReminderTable> CreateTableAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.CreateReminderTable();
    }

    [Fact]
    public async Task Reminders_survive_a_silo_restart()
    {
        var grain = NewGrain();
        var eTag = await Table.UpsertAsync(new ReminderEntry(grain, "r", DateTimeOffset.UnixEpoch, TimeSpan.FromHours(1)), Cancellation);

        await using var restartedSilo = _database.CreateDataSource();
        var read = await _database.CreateReminderTable(dataSource: restartedSilo).ReadAsync(grain, "r", Cancellation);

        Assert.Equal(eTag, read?.ETag);
        Assert.Equal(TimeSpan.FromHours(1), read?.Period);
    }

    [Fact]
    public async Task Each_service_sees_only_its_own_reminders()
    {
        var grain = NewGrain();
        var other = _database.CreateReminderTable(new PostgresStorageOptions { ServiceId = "other-service" });
        await Table.UpsertAsync(new ReminderEntry(grain, "r", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(1)), Cancellation);
        var theirs = await other.UpsertAsync(new ReminderEntry(grain, "r", DateTimeOffset.UnixEpoch, TimeSpan.FromMinutes(7)), Cancellation);

        Assert.Equal(TimeSpan.FromMinutes(1), (await Table.ReadAsync(grain, "r", Cancellation))!.Period);
        Assert.Equal(TimeSpan.FromMinutes(7), (await other.ReadAsync(grain, "r", Cancellation))!.Period);
        Assert.Single(await Table.ReadAllAsync(Cancellation));
        Assert.True(await other.RemoveAsync(grain, "r", theirs, Cancellation));
        Assert.NotNull(await Table.ReadAsync(grain, "r", Cancellation));
    }
}
