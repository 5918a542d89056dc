namespace OrleansDelivery.Runtime;

/// <summary>A grain's view of one stored state record.</summary>
public interface IGrainState<TState>
{
    TState State { get; set; }

    /// <summary>The version read or last written, as text; null when no record was ever written.</summary>
    string? ETag { get; set; }

    /// <summary>Whether a record is stored (false before the first write and after a clear).</summary>
    bool RecordExists { get; set; }
}

/// <summary>
/// A persistent state injected into a grain with <see cref="PersistentStateAttribute"/>. It is read before
/// <see cref="Grain.OnActivateAsync"/>; writes are versioned and a stale write throws
/// <see cref="InconsistentStateException"/>.
/// </summary>
public interface IPersistentState<TState> : IGrainState<TState>
{
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    Task WriteStateAsync(CancellationToken cancellationToken = default);

    Task ClearStateAsync(CancellationToken cancellationToken = default);
}
