using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Persistence;

/// <summary>A state the activation reads before <see cref="Grain.OnActivateAsync"/>.</summary>
internal interface IActivationStateLoader
{
    Task ReadStateAsync(CancellationToken cancellationToken);
}

/// <summary>
/// A grain's persistent state. When a write or clear fails, the activation is deactivated once the turn ends:
/// its in-memory state may now differ from the stored one, and the next call must start from the store.
/// </summary>
internal sealed class PersistentState<TState>(ActivationData activation, string stateName, IGrainStorage storage)
    : IPersistentState<TState>, IActivationStateLoader
    where TState : new()
{
    private readonly ActivationData _activation = activation;
    private readonly string _stateName = stateName;
    private readonly IGrainStorage _storage = storage;

    public TState State { get; set; } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        await OutsideTurn(static (s, token) => s._storage.ReadStateAsync(s._stateName, s._activation.GrainId, s, token), cancellationToken);
        State ??= new TState();
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await OutsideTurn(static (s, token) => s._storage.WriteStateAsync(s._stateName, s._activation.GrainId, s, token), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            DeactivateAfterFailure(exception);
            throw;
        }
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await OutsideTurn(static (s, token) => s._storage.ClearStateAsync(s._stateName, s._activation.GrainId, s, token), cancellationToken);
            State = new TState();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            DeactivateAfterFailure(exception);
            throw;
        }
    }

    /// <summary>
    /// Starts a storage operation with no turn context, so the provider's own awaits do not each queue a hop
    /// through the activation; only the grain's await of the whole operation comes back to it.
    /// </summary>
    private Task OutsideTurn(Func<PersistentState<TState>, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var turn = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return operation(this, cancellationToken);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(turn);
        }
    }

    private void DeactivateAfterFailure(Exception exception)
    {
        var code = exception is InconsistentStateException
            ? DeactivationReasonCode.InconsistentState
            : DeactivationReasonCode.ApplicationRequested;
        _activation.DeactivateOnIdle(new DeactivationReason(code, $"Writing state '{_stateName}' failed: {exception.Message}"));
    }
}
