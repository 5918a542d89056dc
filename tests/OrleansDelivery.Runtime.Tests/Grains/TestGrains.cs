using System.Collections.Concurrent;

namespace OrleansDelivery.Runtime.Tests.Grains;

public sealed record CounterState
{
    public int Value { get; init; }

    public List<string> History { get; init; } = [];
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int delta);

    [ReadOnly]
    Task<int> GetAsync();

    Task<string> GetActivationIdAsync();

    Task DeactivateAsync();

    Task ThrowAsync(string message);
}

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    private readonly string _activationId = Guid.NewGuid().ToString("N");

    public static ConcurrentDictionary<string, int> Deactivations { get; } = new();

    public async Task<int> AddAsync(int delta)
    {
        counter.State = counter.State with { Value = counter.State.Value + delta, History = [.. counter.State.History, $"+{delta}"] };
        await counter.WriteStateAsync();
        return counter.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(counter.State.Value);

    public Task<string> GetActivationIdAsync() => Task.FromResult(_activationId);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ThrowAsync(string message) => throw new ArgumentException(message, "delta");

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Deactivations.AddOrUpdate(this.GetPrimaryKeyString(), 1, static (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>Counts how many of its calls are inside the grain at once.</summary>
public interface IOverlapProbeGrain : IGrainWithGuidKey
{
    Task<int> EnterAsync(int sequence);

    [AlwaysInterleave]
    Task<int> MaxOverlapAsync();

    [AlwaysInterleave]
    Task<IReadOnlyList<int>> SeenAsync();
}

public sealed class OverlapProbeGrain : Grain, IOverlapProbeGrain
{
    private readonly List<int> _seen = [];
    private int _inside;
    private int _maxOverlap;

    public async Task<int> EnterAsync(int sequence)
    {
        _inside++;
        _maxOverlap = Math.Max(_maxOverlap, _inside);
        _seen.Add(sequence);

        // Give any other request the chance to slip in while this one is awaiting.
        await Task.Yield();
        await Task.Delay(0);
        _inside--;
        return sequence;
    }

    public Task<int> MaxOverlapAsync() => Task.FromResult(_maxOverlap);

    public Task<IReadOnlyList<int>> SeenAsync() => Task.FromResult<IReadOnlyList<int>>([.. _seen]);
}

/// <summary>Methods that block on test gates, with each interleaving attribute.</summary>
public interface IGateGrain : IGrainWithStringKey
{
    Task<string> BlockAsync(string gate);

    [ReadOnly]
    Task<string> ReadBlockAsync(string gate);

    [AlwaysInterleave]
    Task<int> RunningCountAsync();

    Task<string> QuickAsync();

    [ReadOnly]
    Task<string> QuickReadAsync();
}

public class GateGrainBase : Grain
{
    private int _running;

    public async Task<string> BlockAsync(string gate)
    {
        _running++;
        TestGates.SignalEntered(gate);
        await TestGates.WaitAsync(gate);
        _running--;
        return "blocked:" + gate;
    }

    public Task<string> ReadBlockAsync(string gate) => BlockAsync(gate);

    public Task<int> RunningCountAsync() => Task.FromResult(_running);

    public Task<string> QuickAsync() => Task.FromResult("quick");

    public Task<string> QuickReadAsync() => Task.FromResult("quick-read");
}

public sealed class GateGrain : GateGrainBase, IGateGrain;

public interface IReentrantGateGrain : IGrainWithStringKey
{
    Task<string> BlockAsync(string gate);

    Task<string> QuickAsync();
}

[Reentrant]
public sealed class ReentrantGateGrain : GateGrainBase, IReentrantGateGrain;

/// <summary>Calls other grains, to build call chains.</summary>
public interface IChainGrain : IGrainWithStringKey
{
    /// <summary>Calls the next grain in <paramref name="path"/>, which calls the next, and so on.</summary>
    Task<string> RelayAsync(IReadOnlyList<string> path);

    [AlwaysInterleave]
    Task<string> RelayInterleavedAsync(IReadOnlyList<string> path);

    /// <summary>Does not answer until the test opens <paramref name="gate"/>.</summary>
    Task<string> HangAsync(string gate);
}

public sealed class ChainGrain : Grain, IChainGrain
{
    public async Task<string> RelayAsync(IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return this.GetPrimaryKeyString();
        }

        var next = GrainFactory.GetGrain<IChainGrain>(path[0]);
        return this.GetPrimaryKeyString() + ">" + await next.RelayAsync(path.Skip(1).ToList());
    }

    public async Task<string> RelayInterleavedAsync(IReadOnlyList<string> path)
    {
        if (path.Count == 0)
        {
            return this.GetPrimaryKeyString();
        }

        var next = GrainFactory.GetGrain<IChainGrain>(path[0]);
        return this.GetPrimaryKeyString() + ">" + await next.RelayInterleavedAsync(path.Skip(1).ToList());
    }

    public async Task<string> HangAsync(string gate)
    {
        await TestGates.WaitAsync(gate);
        return "finally";
    }
}

/// <summary>Its activation waits on a gate and may be told to fail.</summary>
public interface IFlakyActivationGrain : IGrainWithStringKey
{
    Task<string> PingAsync(int n);
}

public sealed class FlakyActivationGrain : Grain, IFlakyActivationGrain
{
    /// <summary>Per key: the gate OnActivateAsync waits on (if any).</summary>
    public static ConcurrentDictionary<string, string> ActivationGates { get; } = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (ActivationGates.TryRemove(this.GetPrimaryKeyString(), out var gate))
        {
            TestGates.SignalEntered(gate);
            await TestGates.WaitAsync(gate);
        }
    }

    public Task<string> PingAsync(int n) => Task.FromResult($"pong {n}");
}

/// <summary>Timers and reminders.</summary>
public interface ITickingGrain : IGrainWithStringKey, IRemindable
{
    Task StartTimerAsync(TimeSpan period, string? gate);

    Task StopTimerAsync();

    [AlwaysInterleave]
    Task<int> TimerTicksAsync();

    Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task UnregisterReminderAsync(string name);

    Task<IReadOnlyList<string>> ReminderNamesAsync();
}

public sealed class TickingGrain : Grain, ITickingGrain
{
    public static ConcurrentDictionary<string, int> ReminderTicks { get; } = new();

    private IGrainTimer? _timer;
    private int _timerTicks;

    public Task StartTimerAsync(TimeSpan period, string? gate)
    {
        _timer = RegisterGrainTimer(
            async _ =>
            {
                Interlocked.Increment(ref _timerTicks);
                if (gate is not null)
                {
                    TestGates.SignalEntered(gate);
                    await TestGates.WaitAsync(gate);
                }
            },
            period,
            period);
        return Task.CompletedTask;
    }

    public Task StopTimerAsync()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public Task<int> TimerTicksAsync() => Task.FromResult(Volatile.Read(ref _timerTicks));

    public async Task RegisterReminderAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        await RegisterOrUpdateReminder(name, dueTime, period);

    public async Task UnregisterReminderAsync(string name)
    {
        var reminder = await GetReminder(name);
        if (reminder is not null)
        {
            await UnregisterReminder(reminder);
        }
    }

    public async Task<IReadOnlyList<string>> ReminderNamesAsync() =>
        (await GetReminders()).Select(r => r.ReminderName).ToList();

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.AddOrUpdate($"{this.GetPrimaryKeyString()}/{reminderName}", 1, static (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>Collected after two idle minutes instead of fifteen.</summary>
public interface IShortLivedGrain : IGrainWithIntegerKey
{
    Task<string> GetActivationIdAsync();
}

[CollectionAgeLimit(2)]
public sealed class ShortLivedGrain : Grain, IShortLivedGrain
{
    private readonly string _activationId = Guid.NewGuid().ToString("N");

    public Task<string> GetActivationIdAsync() => Task.FromResult(_activationId);
}

public sealed record OrderPlaced(string OrderId, decimal Total);

/// <summary>Publishes to and subscribes to streams from inside a grain.</summary>
public interface IStreamUserGrain : IGrainWithStringKey
{
    Task<long> PublishAsync(string streamKey, OrderPlaced item);

    Task SubscribeAsync(string streamKey, long? afterSequence);

    [AlwaysInterleave]
    Task<IReadOnlyList<long>> ReceivedAsync();

    [AlwaysInterleave]
    Task<int> MaxOverlapAsync();
}

public sealed class StreamUserGrain : Grain, IStreamUserGrain, IAsyncObserver<OrderPlaced>
{
    private readonly List<long> _received = [];
    private int _inside;
    private int _maxOverlap;

    public Task<long> PublishAsync(string streamKey, OrderPlaced item) =>
        GetStreamProvider().GetStream<OrderPlaced>(StreamId.Create("orders", streamKey)).OnNextAsync(item);

    public async Task SubscribeAsync(string streamKey, long? afterSequence) =>
        await GetStreamProvider().GetStream<OrderPlaced>(StreamId.Create("orders", streamKey)).SubscribeAsync(this, afterSequence);

    public Task<IReadOnlyList<long>> ReceivedAsync()
    {
        lock (_received)
        {
            return Task.FromResult<IReadOnlyList<long>>([.. _received]);
        }
    }

    public Task<int> MaxOverlapAsync() => Task.FromResult(_maxOverlap);

    public async Task OnNextAsync(OrderPlaced item, StreamSequenceToken token)
    {
        _inside++;
        _maxOverlap = Math.Max(_maxOverlap, _inside);
        await Task.Yield();
        lock (_received)
        {
            _received.Add(token.SequenceNumber);
        }

        _inside--;
    }
}

/// <summary>Receives every event of the "audit" namespace whose stream key is its own key.</summary>
public interface IAuditTrailGrain : IGrainWithStringKey
{
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> EntriesAsync();
}

[ImplicitStreamSubscription("audit")]
public sealed class AuditTrailGrain : Grain, IAuditTrailGrain, IAsyncObserver<OrderPlaced>
{
    private readonly List<string> _entries = [];

    public Task<IReadOnlyList<string>> EntriesAsync() => Task.FromResult<IReadOnlyList<string>>([.. _entries]);

    public Task OnNextAsync(OrderPlaced item, StreamSequenceToken token)
    {
        _entries.Add($"{token.SequenceNumber}:{item.OrderId}");
        return Task.CompletedTask;
    }
}

/// <summary>Echoes records, for serialization round trips.</summary>
public interface IEchoGrain : IGrainWithIntegerKey
{
    Task<OrderPlaced> EchoAsync(OrderPlaced order);

    ValueTask<int> SumAsync(int[] values);

    ValueTask PingAsync();
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public static OrderPlaced? LastReceived { get; private set; }

    public Task<OrderPlaced> EchoAsync(OrderPlaced order)
    {
        LastReceived = order;
        return Task.FromResult(order);
    }

    public ValueTask<int> SumAsync(int[] values) => ValueTask.FromResult(values.Sum());

    public ValueTask PingAsync() => ValueTask.CompletedTask;
}
