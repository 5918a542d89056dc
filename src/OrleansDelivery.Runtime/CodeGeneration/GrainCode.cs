namespace OrleansDelivery.Runtime;

/// <summary>
/// Points at an assembly's generated <see cref="IGrainCodeProvider"/>. Emitted by the code generator; the silo
/// reads it once at start-up, never on a call.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GrainCodeAttribute(Type providerType) : Attribute
{
    public Type ProviderType { get; } = providerType;
}

/// <summary>Registers an assembly's generated proxies, invokers and grain class factories.</summary>
public interface IGrainCodeProvider
{
    void Populate(GrainCodeCatalog catalog);
}

/// <summary>What the generator knows about a grain interface.</summary>
/// <param name="InterfaceType">The grain interface.</param>
/// <param name="KeyKind">How it is keyed.</param>
/// <param name="CreateProxy">Creates the generated proxy for a grain identity.</param>
/// <param name="RequestFactories">Creates an empty request of each method, by <see cref="GrainRequest.MethodId"/>, for messages that arrive serialized.</param>
public sealed record GrainInterfaceDescriptor(
    Type InterfaceType,
    GrainKeyKind KeyKind,
    Func<GrainId, IGrainCallSender, GrainReference> CreateProxy,
    IReadOnlyDictionary<string, Func<GrainRequest>> RequestFactories);

/// <summary>What the generator knows about a grain class.</summary>
/// <param name="ClassType">The grain class.</param>
/// <param name="Interfaces">The grain interfaces it implements.</param>
/// <param name="Create">Constructs the grain: injects persistent states and services.</param>
public sealed record GrainClassDescriptor(
    Type ClassType,
    IReadOnlyList<Type> Interfaces,
    Func<IGrainActivationContext, object> Create);

/// <summary>The generated code of every loaded grain assembly, filled by <see cref="IGrainCodeProvider"/>s.</summary>
public sealed class GrainCodeCatalog
{
    private readonly List<GrainInterfaceDescriptor> _interfaces = [];
    private readonly List<GrainClassDescriptor> _classes = [];

    public IReadOnlyList<GrainInterfaceDescriptor> Interfaces => _interfaces;

    public IReadOnlyList<GrainClassDescriptor> Classes => _classes;

    public void AddInterface(GrainInterfaceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!_interfaces.Exists(i => i.InterfaceType == descriptor.InterfaceType))
        {
            _interfaces.Add(descriptor);
        }
    }

    public void AddClass(GrainClassDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!_classes.Exists(c => c.ClassType == descriptor.ClassType))
        {
            _classes.Add(descriptor);
        }
    }
}

/// <summary>What a generated grain factory can ask of the activation it builds a grain for.</summary>
public interface IGrainActivationContext
{
    GrainId GrainId { get; }

    IServiceProvider Services { get; }

    /// <summary>A required service; a missing one fails the activation with a message naming the grain and the type.</summary>
    T GetService<T>() where T : notnull;

    /// <summary>The persistent state for a <see cref="PersistentStateAttribute"/> parameter; read before activation completes.</summary>
    IPersistentState<TState> GetPersistentState<TState>(string stateName, string storageName) where TState : new();
}
