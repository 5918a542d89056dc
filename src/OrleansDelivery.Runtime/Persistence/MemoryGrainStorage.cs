using System.Collections.Concurrent;
using System.Globalization;

namespace OrleansDelivery.Runtime.Persistence;

/// <summary>
/// Grain state in process memory, with the same versioning rules as the PostgreSQL provider. State is kept
/// serialized, so what a grain reads back is a copy, exactly as from a real store.
/// </summary>
public sealed class MemoryGrainStorage(GrainStateSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string GrainType, string GrainKey, string StateName), StoredState> _records = new();

    public Task ReadStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_records.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.ETag = Format(stored.Version);
            grainState.RecordExists = stored.Payload is not null;
            grainState.State = stored.Payload is null ? Activator.CreateInstance<TState>() : serializer.Deserialize<TState>(stored.Payload);
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<TState>();
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var version = Replace(stateName, grainId, grainState.ETag, serializer.Serialize(grainState.State));
        grainState.ETag = Format(version);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<TState>(string stateName, GrainId grainId, IGrainState<TState> grainState, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (grainState.ETag is null && !_records.ContainsKey(Key(stateName, grainId)))
        {
            // Nothing was ever written: clearing is a no-op.
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        var version = Replace(stateName, grainId, grainState.ETag, payload: null);
        grainState.ETag = Format(version);
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private long Replace(string stateName, GrainId grainId, string? eTag, byte[]? payload)
    {
        var key = Key(stateName, grainId);
        if (eTag is null)
        {
            if (_records.TryAdd(key, new StoredState(1, payload)))
            {
                return 1;
            }

            throw Conflict(stateName, grainId, eTag);
        }

        var expected = long.Parse(eTag, CultureInfo.InvariantCulture);
        if (_records.TryGetValue(key, out var current) && current.Version == expected
            && _records.TryUpdate(key, new StoredState(expected + 1, payload), current))
        {
            return expected + 1;
        }

        throw Conflict(stateName, grainId, eTag);
    }

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? eTag)
    {
        var stored = _records.TryGetValue(Key(stateName, grainId), out var current) ? Format(current.Version) : null;
        return new InconsistentStateException(
            $"State '{stateName}' of grain {grainId} was changed by another writer (stored version {stored ?? "none"}, this writer had {eTag ?? "none"}).",
            stored,
            eTag);
    }

    private static (string, string, string) Key(string stateName, GrainId grainId)
    {
        // Same limit as the PostgreSQL provider, so a key that works in development works in production.
        GrainStorageKeys.Validate(stateName, grainId);
        return (grainId.Type, grainId.Key, stateName);
    }

    private static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    private sealed record StoredState(long Version, byte[]? Payload);
}
