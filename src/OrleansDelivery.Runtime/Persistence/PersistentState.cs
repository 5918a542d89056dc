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
    public TState State { get; set; } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        await storage.ReadStateAsync(stateName, activation.GrainId, this, cancellationToken);
        State ??= new TState();
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await storage.WriteStateAsync(stateName, activation.GrainId, this, cancellationToken);
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
            await storage.ClearStateAsync(stateName, activation.GrainId, this, cancellationToken);
            State = new TState();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            DeactivateAfterFailure(exception);
            throw;
        }
    }

    private void DeactivateAfterFailure(Exception exception)
    {
        var code = exception is InconsistentStateException
            ? DeactivationReasonCode.InconsistentState
            : DeactivationReasonCode.ApplicationRequested;
        activation.DeactivateOnIdle(new DeactivationReason(code, $"Writing state '{stateName}' failed: {exception.Message}"));
    }
}
