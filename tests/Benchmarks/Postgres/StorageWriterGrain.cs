using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace OrleansDelivery.Benchmarks.Postgres;

public interface IStorageWriterGrain : IGrainWithIntegerKey
{
    /// <summary>Writes through <see cref="IGrainStorage"/> in the grain's turn, as <c>IPersistentState</c> does.</summary>
    Task WriteInTurnAsync();

    /// <summary>The same write with the storage call started on the thread pool, outside the grain's turn.</summary>
    Task WriteOffTurnAsync();
}

/// <summary>
/// Diagnostic only: the grain write of <see cref="StateWriterGrain"/> taken apart. Calling the storage provider
/// directly shows what <c>IPersistentState</c> adds; calling it off the turn shows what it costs that every await
/// inside the provider (connection, command, reader) resumes through the activation's scheduler rather than on the
/// thread pool. Safe here because the grain is not reentrant: nothing else touches its state meanwhile.
/// </summary>
public sealed class StorageWriterGrain([FromKeyedServices(GrainWriteBenchmark.StorageName)] IGrainStorage storage) : Grain, IStorageWriterGrain
{
    private readonly StateHolder _state = new();

    public Task WriteInTurnAsync()
    {
        Next();
        return storage.WriteStateAsync("state", this.GetGrainId(), _state);
    }

    public Task WriteOffTurnAsync()
    {
        Next();
        var grainId = this.GetGrainId();
        return Task.Run(() => storage.WriteStateAsync("state", grainId, _state));
    }

    private void Next() => _state.State = new WriterState { Payload = StateWriterGrain.Payload, Writes = _state.State.Writes + 1 };
}
