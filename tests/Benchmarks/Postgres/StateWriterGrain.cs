namespace OrleansDelivery.Benchmarks.Postgres;

public interface IStateWriterGrain : IGrainWithIntegerKey
{
    Task WriteAsync();
}

[GenerateSerializer, Alias("bench.writer-state")]
public sealed class WriterState
{
    [Id(0)]
    public string Payload { get; set; } = "";

    [Id(1)]
    public long Writes { get; set; }
}

/// <summary>Writes its 1 KB state on every call, through whatever storage is named "bench".</summary>
public sealed class StateWriterGrain([PersistentState("state", GrainWriteBenchmark.StorageName)] IPersistentState<WriterState> state)
    : Grain, IStateWriterGrain
{
    /// <summary>About 1 KB of JSON once serialized.</summary>
    public static readonly string Payload = string.Concat(Enumerable.Repeat("order line: 2 x margherita, extra basil; ", 24));

    public async Task WriteAsync()
    {
        state.State.Payload = Payload;
        state.State.Writes++;
        await state.WriteStateAsync();
    }
}
