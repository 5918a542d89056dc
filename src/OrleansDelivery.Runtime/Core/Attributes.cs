namespace OrleansDelivery.Runtime;

/// <summary>Names a grain type. The name is part of every grain identity and of stored state, so keep it stable.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Lets every request to this grain interleave with every other at await points.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>This method may interleave with any other request of the grain, including non-reentrant ones.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>This method does not change the grain's state, so it may interleave with other read-only requests.</summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ReadOnlyAttribute : Attribute;

/// <summary>Overrides how long an idle activation of this grain class lives before it is collected.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CollectionAgeLimitAttribute(double minutes) : Attribute
{
    public TimeSpan Age { get; } = TimeSpan.FromMinutes(minutes);
}

/// <summary>Places new activations of this grain on the silo that received the call.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PreferLocalPlacementAttribute : Attribute;

/// <summary>
/// Injects a persistent state into a grain constructor parameter of type <see cref="IPersistentState{TState}"/>.
/// The state is read before <see cref="Grain.OnActivateAsync"/> runs.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, Inherited = false)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    public string StateName { get; } = stateName;

    public string StorageName { get; } = storageName ?? GrainStorageNames.Default;
}

/// <summary>
/// Subscribes every grain of this class to the streams of a namespace: an event on stream (namespace, key) is
/// delivered to the grain with that key, which must implement <see cref="IAsyncObserver{T}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ImplicitStreamSubscriptionAttribute(string streamNamespace, string? streamProviderName = null) : Attribute
{
    public string StreamNamespace { get; } = streamNamespace;

    public string StreamProviderName { get; } = streamProviderName ?? StreamProviderNames.Default;
}
