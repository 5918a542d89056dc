using Orleans.Streams;
using Orleans.Streams.Core;

namespace OrleansDelivery.Postgres.Tests.Grains;

/// <summary>One event as a subscriber saw it: the value and the token it came with.</summary>
[GenerateSerializer, Immutable, Alias("test.received-event")]
public sealed record ReceivedEvent([property: Id(0)] int Value, [property: Id(1)] long Sequence, [property: Id(2)] int EventIndex);

[GenerateSerializer, Alias("test.stream-recorder-state")]
public sealed record StreamRecorderState
{
    [Id(0)]
    public List<ReceivedEvent> Received { get; init; } = [];
}

public interface IStreamRecorderGrain : IGrainWithStringKey
{
    /// <summary>Every delivery, repeats included, in the order they came.</summary>
    Task<IReadOnlyList<ReceivedEvent>> GetReceivedAsync();
}

/// <summary>
/// An implicit subscriber of the <see cref="Namespace"/> streams of the durable test provider that records every
/// delivery with its token, written before it returns, so what it saw survives the death of its silo.
/// </summary>
[ImplicitStreamSubscription(Namespace)]
public sealed class StreamRecorderGrain([PersistentState("received")] IPersistentState<StreamRecorderState> state)
    : Grain, IStreamRecorderGrain, IStreamSubscriptionObserver, IAsyncObserver<int>
{
    public const string Namespace = "recorded";

    public Task<IReadOnlyList<ReceivedEvent>> GetReceivedAsync() => Task.FromResult<IReadOnlyList<ReceivedEvent>>([.. state.State.Received]);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<int>().ResumeAsync(this);

    public async Task OnNextAsync(int item, StreamSequenceToken? token = null)
    {
        state.State.Received.Add(new ReceivedEvent(item, token?.SequenceNumber ?? -1, token?.EventIndex ?? -1));
        await state.WriteStateAsync();
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
}
