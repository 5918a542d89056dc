using Orleans.Storage;

namespace OrleansDelivery.Postgres;

/// <summary>
/// Hands the ADO.NET provider "grain-type/state-name" where Orleans passes only the state name. The provider keys
/// its rows by state name and grain key alone, so without this a <c>cart/42</c> and an <c>order/42</c> that both
/// call their state "state" would read and overwrite one row. <c>sql/004_grain_state.sql</c> splits the pair
/// back into the grain_type and state_name columns.
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

    private static string Scoped(string stateName, GrainId grainId) => $"{grainId.Type}/{stateName}";
}
