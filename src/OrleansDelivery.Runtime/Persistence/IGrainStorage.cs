namespace OrleansDelivery.Runtime;

/// <summary>
/// A grain state provider. Records are keyed by (service, grain type, grain key, state name) and versioned:
/// a write or clear whose <see cref="IGrainState{TState}.ETag"/> is not the stored version throws
/// <see cref="InconsistentStateException"/>; an unreachable store throws <see cref="StorageUnavailableException"/>.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Fills <paramref name="grainState"/>; a missing record leaves the default state, a null ETag and RecordExists false.</summary>
    Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken);

    /// <summary>Writes the state when its ETag is the stored version, then moves the ETag to the new version.</summary>
    Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken);

    /// <summary>Removes the state when its ETag is the stored version; the version keeps moving so a stale writer still fails.</summary>
    Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken);
}
