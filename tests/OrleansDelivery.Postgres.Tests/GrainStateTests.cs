using System.Text.Json;
using Orleans.Storage;
using Orleans.Streams;
using OrleansDelivery.Postgres.Tests.Grains;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Postgres.Tests;

[Collection(PostgresClusterCollection.Name)]
public sealed class GrainStateTests(PostgresClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task State_is_stored_as_json_an_operator_can_read_under_the_grain_type_key_and_state_name()
    {
        var key = NewKey();

        await Grains.GetGrain<INoteGrain>(key).SetAsync("leave at the door");

        var payload = await fixture.Database.QueryScalarAsync<string>(
            "SELECT payload::text FROM orleans_grain_state WHERE grain_type = 'note' AND grain_key = $1 AND state_name = 'note'", key);
        using var json = JsonDocument.Parse(payload!);
        Assert.Equal("leave at the door", json.RootElement.GetProperty("Text").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("Writes").GetInt32());
        Assert.Equal(1, await fixture.Database.QueryScalarAsync<int>("SELECT version FROM orleans_grain_state WHERE grain_key = $1", key));
    }

    [Fact]
    public async Task Two_grain_types_with_the_same_key_and_state_name_keep_separate_state()
    {
        var key = NewKey();

        await Grains.GetGrain<INoteGrain>(key).SetAsync("from the note");
        await Grains.GetGrain<ILabelGrain>(key).SetAsync("from the label");
        await fixture.Cluster.DeactivateAsync(Grains.GetGrain<INoteGrain>(key));
        await fixture.Cluster.DeactivateAsync(Grains.GetGrain<ILabelGrain>(key));

        Assert.Equal("from the note", (await Grains.GetGrain<INoteGrain>(key).GetAsync()).Text);
        Assert.Equal("from the label", (await Grains.GetGrain<ILabelGrain>(key).GetAsync()).Text);
        var types = await fixture.Database.QueryScalarAsync<string[]>(
            "SELECT array_agg(grain_type ORDER BY grain_type) FROM orleans_grain_state WHERE grain_key = $1 AND state_name = 'note'", key);
        Assert.Equal(["label", "note"], types!);
    }

    [Fact]
    public async Task Keys_are_stored_as_orleans_prints_them_and_lookalike_string_keys_stay_apart()
    {
        var guid = Guid.NewGuid();
        var number = Random.Shared.NextInt64(1, long.MaxValue);
        var digits = Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

        await Grains.GetGrain<IGuidNoteGrain>(guid).SetAsync("guid");
        await Grains.GetGrain<INumberedNoteGrain>(number, "branch-7").SetAsync("number");
        // Orleans' provider alone would parse both as the integer they spell and store them in one row.
        await Grains.GetGrain<INoteGrain>(digits).SetAsync("plain");
        await Grains.GetGrain<INoteGrain>("0" + digits).SetAsync("zero-padded");

        Assert.Equal("guid", await StoredTextAsync("guidnote", Grains.GetGrain<IGuidNoteGrain>(guid).GetGrainId().Key.ToString()!));
        Assert.Equal("number", await StoredTextAsync("numberednote", Grains.GetGrain<INumberedNoteGrain>(number, "branch-7").GetGrainId().Key.ToString()!));
        Assert.Equal("plain", await StoredTextAsync("note", digits));
        Assert.Equal("zero-padded", await StoredTextAsync("note", "0" + digits));
        Assert.Equal("zero-padded", (await Grains.GetGrain<INoteGrain>("0" + digits).GetAsync()).Text);
    }

    private Task<string?> StoredTextAsync(string grainType, string grainKey) =>
        fixture.Database.QueryScalarAsync<string>(
            "SELECT payload->>'Text' FROM orleans_grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = 'note'", grainType, grainKey);

    [Fact]
    public async Task A_stale_write_raises_InconsistentStateException_and_the_next_call_reloads_the_stored_state()
    {
        var key = NewKey();
        var note = Grains.GetGrain<INoteGrain>(key);
        await note.SetAsync("first");

        // Another writer (a split-brain twin, an operator) moves the row on behind the activation's back.
        Assert.Equal(1, await fixture.Database.ExecuteAsync("""
            UPDATE orleans_grain_state SET version = version + 1, payload = '{"Text":"written elsewhere","Writes":7}'
            WHERE grain_type = 'note' AND grain_key = $1
            """, key));

        await Assert.ThrowsAsync<InconsistentStateException>(() => note.SetAsync("stale"));

        // Orleans deactivated the activation that held the stale version; the next call reads the row afresh.
        var reloaded = await note.GetAsync();
        Assert.Equal("written elsewhere", reloaded.Text);
        Assert.Equal(7, reloaded.Writes);
        await note.SetAsync("after reload");
        Assert.Equal("after reload", await fixture.Database.QueryScalarAsync<string>(
            "SELECT payload->>'Text' FROM orleans_grain_state WHERE grain_type = 'note' AND grain_key = $1", key));
    }

    [Fact]
    public async Task Stream_subscriptions_are_kept_in_the_pubsub_store_on_postgres()
    {
        var streamId = StreamId.Create("orders", NewKey());
        var stream = fixture.Cluster.Client.GetStreamProvider(PostgresCluster.Streams).GetStream<string>(streamId);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        var subscription = await stream.SubscribeAsync((item, _) =>
        {
            received.TrySetResult(item);
            return Task.CompletedTask;
        });
        await stream.OnNextAsync("cooking");

        Assert.Equal("cooking", await received.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        // The rendezvous grain of the stream keeps its subscribers as JSON (Orleans' own, with type names, which reads
        // its state types back), keyed "provider/namespace/key".
        var subscribers = await fixture.Database.QueryScalarAsync<string>(
            "SELECT payload::text FROM orleans_grain_state WHERE grain_type = 'pubsubrendezvous' AND grain_key = $1",
            $"{PostgresCluster.Streams}/{streamId}");
        Assert.Contains($"\"{subscription.HandleId:D}\"", subscribers, StringComparison.Ordinal);
        await subscription.UnsubscribeAsync();
    }

    [Fact]
    public async Task A_stream_rendezvous_that_moves_reads_its_producers_and_subscribers_back_from_postgres()
    {
        var streamId = StreamId.Create("orders", NewKey());
        var stream = fixture.Cluster.Client.GetStreamProvider(PostgresCluster.Streams).GetStream<string>(streamId);
        var received = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var subscription = await stream.SubscribeAsync((item, _) =>
        {
            received.Enqueue(item);
            return Task.CompletedTask;
        });
        await stream.OnNextAsync("cooking");
        await Wait.UntilAsync(() => Task.FromResult(received.Count), count => count == 1, TimeSpan.FromSeconds(30), "the first event");

        // What a silo's death or shutdown does to the rendezvous grain: it is activated again from its stored state,
        // which now holds both the subscriber and the producer.
        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var stored = await fixture.Database.QueryScalarAsync<string>(
            "SELECT payload::text FROM orleans_grain_state WHERE grain_type = 'pubsubrendezvous' AND grain_key = $1",
            $"{PostgresCluster.Streams}/{streamId}");
        var again = fixture.Cluster.Client.GetStreamProvider(PostgresCluster.Streams).GetStream<string>(streamId);
        await again.OnNextAsync("ready");
        var handles = await again.GetAllSubscriptionHandles();

        await Wait.UntilAsync(() => Task.FromResult(received.ToArray()), items => items.Length == 2, TimeSpan.FromSeconds(30), $"the event after the rendezvous moved (stored: {stored})");
        Assert.Equal(["cooking", "ready"], received);
        Assert.Contains(handles, handle => handle.HandleId == subscription.HandleId);
        await subscription.UnsubscribeAsync();
    }
}
