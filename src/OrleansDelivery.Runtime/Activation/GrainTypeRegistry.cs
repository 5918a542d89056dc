using System.Reflection;

namespace OrleansDelivery.Runtime.Activation;

/// <summary>A grain class as the silo runs it: generated factory plus what its attributes say.</summary>
internal sealed record GrainClassRegistration(
    string GrainType,
    GrainClassDescriptor Descriptor,
    GrainKeyKind KeyKind,
    bool IsReentrant,
    TimeSpan CollectionAge,
    bool PreferLocalPlacement,
    IReadOnlyList<ImplicitStreamSubscriptionAttribute> ImplicitSubscriptions)
{
    public Type ClassType => Descriptor.ClassType;
}

/// <summary>A grain interface as the silo serves it: its proxy factory and the grain type that implements it.</summary>
internal sealed record GrainInterfaceRegistration(GrainInterfaceDescriptor Descriptor, string GrainType);

/// <summary>
/// Every grain interface and class the silo knows, checked once at start-up: each interface has exactly one
/// implementation, each class implements interfaces of one key kind, grain type names are unique.
/// </summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<Type, GrainInterfaceRegistration> _interfaces = [];
    private readonly Dictionary<string, GrainClassRegistration> _classes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GrainRequestFactory> _requests = new(StringComparer.Ordinal);

    public GrainTypeRegistry(GrainCodeCatalog catalog, TimeSpan defaultCollectionAge)
    {
        var problems = new List<string>();
        foreach (var grainClass in catalog.Classes)
        {
            var registration = CreateClassRegistration(grainClass, defaultCollectionAge, problems);
            if (registration is null)
            {
                continue;
            }

            if (_classes.TryGetValue(registration.GrainType, out var existing))
            {
                problems.Add($"Grain classes {existing.ClassType.FullName} and {grainClass.ClassType.FullName} both have the grain type name '{registration.GrainType}'; give one a different [GrainType].");
                continue;
            }

            _classes.Add(registration.GrainType, registration);
        }

        foreach (var grainInterface in catalog.Interfaces)
        {
            var implementations = _classes.Values.Where(c => c.Descriptor.Interfaces.Contains(grainInterface.InterfaceType)).ToList();
            if (implementations.Count == 0)
            {
                problems.Add($"Grain interface {grainInterface.InterfaceType.FullName} has no implementation: add a grain class (deriving from Grain) that implements it, in an assembly the silo loads.");
                continue;
            }

            if (implementations.Count > 1)
            {
                problems.Add($"Grain interface {grainInterface.InterfaceType.FullName} is implemented by {string.Join(" and ", implementations.Select(c => c.ClassType.FullName))}; exactly one grain class may implement it.");
                continue;
            }

            if (implementations[0].KeyKind != grainInterface.KeyKind)
            {
                problems.Add($"Grain class {implementations[0].ClassType.FullName} is keyed by {implementations[0].KeyKind} but its interface {grainInterface.InterfaceType.FullName} by {grainInterface.KeyKind}.");
                continue;
            }

            _interfaces.Add(grainInterface.InterfaceType, new GrainInterfaceRegistration(grainInterface, implementations[0].GrainType));
            foreach (var (methodId, factory) in grainInterface.RequestFactories)
            {
                _requests.TryAdd(methodId, new GrainRequestFactory(factory));
            }
        }

        if (problems.Count > 0)
        {
            throw new GrainRegistrationException("The grain code is inconsistent:" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", problems));
        }
    }

    public IEnumerable<GrainClassRegistration> Classes => _classes.Values;

    public IEnumerable<GrainInterfaceRegistration> Interfaces => _interfaces.Values;

    public GrainInterfaceRegistration GetInterface(Type interfaceType) =>
        _interfaces.TryGetValue(interfaceType, out var registration)
            ? registration
            : throw new GrainRegistrationException($"{interfaceType.FullName} is not a known grain interface: is its assembly built with the grain code generator and loaded by the silo?");

    public bool TryGetClass(string grainType, out GrainClassRegistration registration) =>
        _classes.TryGetValue(grainType, out registration!);

    /// <summary>Creates an empty request for a method id that arrived serialized.</summary>
    public bool TryCreateRequest(string methodId, out GrainRequest request)
    {
        if (_requests.TryGetValue(methodId, out var factory))
        {
            request = factory.Create();
            return true;
        }

        request = null!;
        return false;
    }

    /// <summary>Requests the runtime itself sends, such as reminder ticks.</summary>
    public void AddBuiltInRequests() =>
        _requests.TryAdd(Reminders.ReminderTickRequest.Id, new GrainRequestFactory(static () => new Reminders.ReminderTickRequest()));

    /// <summary>Orleans' rule: the class name, lower case, without a trailing "Grain".</summary>
    public static string DefaultGrainTypeName(Type classType)
    {
        var name = classType.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }

    private static GrainClassRegistration? CreateClassRegistration(GrainClassDescriptor descriptor, TimeSpan defaultCollectionAge, List<string> problems)
    {
        var type = descriptor.ClassType;
        if (!typeof(Grain).IsAssignableFrom(type))
        {
            problems.Add($"{type.FullName} is registered as a grain class but does not derive from Grain.");
            return null;
        }

        var keyKinds = descriptor.Interfaces.Select(KeyKindOf).Distinct().ToList();
        if (keyKinds.Count != 1)
        {
            problems.Add(keyKinds.Count == 0
                ? $"Grain class {type.FullName} implements no keyed grain interface."
                : $"Grain class {type.FullName} implements grain interfaces with different key types ({string.Join(", ", keyKinds)}); a grain has one key type.");
            return null;
        }

        var implicitSubscriptions = type.GetCustomAttributes<ImplicitStreamSubscriptionAttribute>().ToList();
        if (implicitSubscriptions.Count > 0 && !type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IAsyncObserver<>)))
        {
            problems.Add($"Grain class {type.FullName} has [ImplicitStreamSubscription] but does not implement IAsyncObserver<T> to receive the events.");
            return null;
        }

        return new GrainClassRegistration(
            type.GetCustomAttribute<GrainTypeAttribute>()?.Name ?? DefaultGrainTypeName(type),
            descriptor,
            keyKinds[0],
            type.GetCustomAttribute<ReentrantAttribute>() is not null,
            type.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Age ?? defaultCollectionAge,
            type.GetCustomAttribute<PreferLocalPlacementAttribute>() is not null,
            implicitSubscriptions);
    }

    private static GrainKeyKind KeyKindOf(Type grainInterface)
    {
        if (typeof(IGrainWithGuidKey).IsAssignableFrom(grainInterface))
        {
            return GrainKeyKind.Guid;
        }

        return typeof(IGrainWithIntegerKey).IsAssignableFrom(grainInterface) ? GrainKeyKind.Integer : GrainKeyKind.String;
    }

    private sealed record GrainRequestFactory(Func<GrainRequest> Create);
}
