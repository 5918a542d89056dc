using OrleansDelivery.Runtime;

namespace OrleansDelivery.Benchmarks.Postgres;

public sealed record WriterState
{
    public string Payload { get; init; } = "";

    public long Writes { get; init; }
}

public interface IStateWriterGrain : IGrainWithIntegerKey
{
    /// <summary>Stores a new ~1 KB state and returns how many writes this grain has made.</summary>
    Task<long> WriteAsync();
}

/// <summary>Does nothing but write its state, so what is measured is the runtime and the storage provider.</summary>
public sealed class StateWriterGrain([PersistentState("bench")] IPersistentState<WriterState> state) : Grain, IStateWriterGrain
{
    public static readonly string Payload = new('x', 1024);

    public async Task<long> WriteAsync()
    {
        state.State = new WriterState { Payload = Payload, Writes = state.State.Writes + 1 };
        await state.WriteStateAsync();
        return state.State.Writes;
    }
}
