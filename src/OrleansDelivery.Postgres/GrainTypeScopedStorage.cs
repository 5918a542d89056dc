using Orleans.Storage;

namespace OrleansDelivery.Postgres;

/// <summary>
/// Hands the ADO.NET provider "grain-type/state-name/grain-key" where Orleans passes only the state name. The
/// provider keys its rows by state name and grain key alone, so without this a <c>cart/42</c> and an
/// <c>order/42</c> that both call their state "state" would read and overwrite one row; and it parses string keys
/// that look like numbers or Guids, so "0123" and "123" would share one too. <c>sql/004_grain_state.sql</c>
/// splits the reference back into the grain_type, state_name and grain_key columns.
/// </summary>
internal sealed class GrainTypeScopedStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(Scoped(stateName, grainId), grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(Scoped(stateName, grainId), grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(Scoped(stateName, grainId), grainId, grainState);

    // The provider reads its queries from the database as the silo starts; it must still take part in the lifecycle.
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private static string Scoped(string stateName, GrainId grainId)
    {
        // The grain type never holds a slash; a state name with one would make the reference ambiguous.
        if (stateName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Grain state name '{stateName}' of {grainId} contains '/', which PostgreSQL grain storage keeps as a separator.", nameof(stateName));
        }

        return $"{grainId.Type}/{stateName}/{grainId.Key}";
    }
}
