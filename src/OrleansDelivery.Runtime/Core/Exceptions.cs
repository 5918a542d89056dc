namespace OrleansDelivery.Runtime;

/// <summary>
/// A non-reentrant call cycle: the target grain is waiting, further up this very call chain, for the call
/// that now wants to enter it. Thrown at once rather than letting the call wait for its timeout.
/// </summary>
public sealed class DeadlockException(string message, IReadOnlyList<string> callChain) : Exception(message)
{
    /// <summary>The chain of calls, outermost first, each as "grain.method".</summary>
    public IReadOnlyList<string> CallChain { get; } = callChain;
}

/// <summary>
/// A state write was refused because the stored version is not the one this activation read: another
/// writer got there first. The activation is deactivated so the next call starts from the stored state.
/// </summary>
public sealed class InconsistentStateException(string message, string? storedEtag = null, string? currentEtag = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string? StoredEtag { get; } = storedEtag;

    public string? CurrentEtag { get; } = currentEtag;
}

/// <summary>The storage behind grain state, reminders or streams cannot be reached.</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The grain code found at start-up is inconsistent: a missing implementation, an ambiguous one, a bad key type.</summary>
public sealed class GrainRegistrationException(string message) : Exception(message);

/// <summary>A call reached an activation that could not be created or has failed; the message says why.</summary>
public sealed class GrainActivationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The silo is stopping or stopped and takes no new calls.</summary>
public sealed class SiloUnavailableException(string message) : Exception(message);
