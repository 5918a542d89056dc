using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Serialization;
using Orleans.Streams;
using OrleansDelivery.Postgres.Streaming;

namespace OrleansDelivery.Postgres.Tests;

/// <summary>A queue's receiver moving its checkpoint on as Orleans reports messages delivered, on a fake clock.</summary>
public sealed class QueueReceiverTests : IAsyncLifetime
{
    private const string Provider = "durable";
    private static readonly TimeSpan CheckpointPeriod = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new();
    private PostgresTestDatabase _database = null!;
    private ServiceProvider _services = null!;
    private PostgresStreamStore _store = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var services = new ServiceCollection();
        services.AddSerializer();
        _services = services
            .AddLogging()
            .AddSingleton(_database.DataSource)
            .AddSingleton<TimeProvider>(_time)
            .Configure<ClusterOptions>(cluster => cluster.ServiceId = "tests")
            .Configure<PostgresStreamOptions>(Provider, _ => { })
            .BuildServiceProvider();
        _store = PostgresStreamStore.Create(_services, Provider);
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Deliveries_move_the_checkpoint_at_most_once_a_period_and_a_stop_writes_the_newest()
    {
        var receiver = new PostgresQueueReceiver(
            QueueId.GetQueueId(Provider, 0, 0), _store, new QueueReadPosition(), TimeSpan.FromMinutes(1), CheckpointPeriod, _time, NullLogger<PostgresQueueReceiver>.Instance);
        await receiver.Initialize(TimeSpan.FromSeconds(30), Cancellation);

        await receiver.MessagesDeliveredAsync([Delivered(3)], Cancellation);
        Assert.Equal(3, await Checkpoint());

        // Within the period: held back, also when the agent polls.
        _time.Advance(CheckpointPeriod / 2);
        await receiver.MessagesDeliveredAsync([Delivered(4), Delivered(5)], Cancellation);
        await receiver.GetQueueMessagesAsync(100, Cancellation);
        Assert.Equal(3, await Checkpoint());

        // Due: the next poll writes it, though nothing more was delivered.
        _time.Advance(CheckpointPeriod / 2);
        await receiver.GetQueueMessagesAsync(100, Cancellation);
        Assert.Equal(5, await Checkpoint());

        await receiver.MessagesDeliveredAsync([Delivered(8)], Cancellation);
        Assert.Equal(5, await Checkpoint());
        await receiver.Shutdown(TimeSpan.FromSeconds(30));
        Assert.Equal(8, await Checkpoint());
    }

    private Task<long> Checkpoint() => _store.Log.ReadCheckpointAsync(0, Cancellation);

    private static IBatchContainer Delivered(long sequence) =>
        new PostgresBatchContainer(StreamId.Create("orders", "a"), new EventSequenceTokenV2(sequence), [], null);
}
