using System.Collections.Concurrent;
using System.Globalization;

namespace OrleansDelivery.Runtime.Activation;

/// <summary>Makes grain references: a proxy over an identity. Nothing is activated until a call is made.</summary>
internal sealed class GrainFactory(GrainRuntime runtime) : IGrainFactory
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceRegistration> _interfaces = new();

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return Create<TGrainInterface>(key);
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid key) where TGrainInterface : IGrainWithGuidKey =>
        Create<TGrainInterface>(key.ToString("N"));

    public TGrainInterface GetGrain<TGrainInterface>(long key) where TGrainInterface : IGrainWithIntegerKey =>
        Create<TGrainInterface>(key.ToString(CultureInfo.InvariantCulture));

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId) where TGrainInterface : IGrain
    {
        var registration = Lookup(typeof(TGrainInterface));
        return (TGrainInterface)(object)registration.Descriptor.CreateProxy(grainId, runtime);
    }

    private TGrainInterface Create<TGrainInterface>(string key)
    {
        var registration = Lookup(typeof(TGrainInterface));
        var proxy = registration.Descriptor.CreateProxy(new GrainId(registration.GrainType, key), runtime);
        return (TGrainInterface)(object)proxy;
    }

    private GrainInterfaceRegistration Lookup(Type interfaceType) =>
        _interfaces.GetOrAdd(interfaceType, static (type, registry) => registry.GetInterface(type), runtime.Registry);
}
