using Microsoft.CodeAnalysis;

namespace OrleansDelivery.Runtime.CodeGenerator;

/// <summary>The build errors of the grain code generator. IDs are stable: tests and suppressions refer to them.</summary>
internal static class Diagnostics
{
    private const string Category = "OrleansDelivery.CodeGeneration";

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "ODG001",
        "Grain method return type not supported",
        "Grain interface method '{0}.{1}' returns '{2}'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>");

    public static readonly DiagnosticDescriptor GenericInterface = Error(
        "ODG002",
        "Generic grain interfaces are not supported",
        "Grain interface '{0}' is generic; generic grain interfaces are not supported");

    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "ODG003",
        "Generic grain methods are not supported",
        "Grain interface method '{0}.{1}' is generic; generic grain methods are not supported");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        "ODG004",
        "ref, out and in parameters are not supported",
        "Grain interface method '{0}.{1}' parameter '{2}' is passed by reference ({3}); grain calls copy their arguments, so ref, out and in parameters are not supported");

    public static readonly DiagnosticDescriptor PropertyOrEvent = Error(
        "ODG005",
        "Properties and events are not supported on grain interfaces",
        "Grain interface '{0}' declares the {1} '{2}'; grain interfaces may only declare methods");

    public static readonly DiagnosticDescriptor MissingKeyKind = Error(
        "ODG006",
        "Grain interface has no key type",
        "Grain interface '{0}' extends IGrain but none of IGrainWithStringKey, IGrainWithGuidKey or IGrainWithIntegerKey");

    public static readonly DiagnosticDescriptor AmbiguousKeyKind = Error(
        "ODG007",
        "Grain interface has more than one key type",
        "Grain interface '{0}' extends more than one of IGrainWithStringKey, IGrainWithGuidKey and IGrainWithIntegerKey ({1})");

    public static readonly DiagnosticDescriptor KeyKindMismatch = Error(
        "ODG008",
        "Grain class key type does not match",
        "Grain class '{0}' implements grain interfaces whose key type does not match ({1})");

    public static readonly DiagnosticDescriptor ConstructorCount = Error(
        "ODG009",
        "Grain class must have one public constructor",
        "Grain class '{0}' has {1} public constructors; it needs exactly one so the runtime knows which one to call");

    public static readonly DiagnosticDescriptor PersistentStateType = Error(
        "ODG010",
        "[PersistentState] parameter must be IPersistentState<T>",
        "Grain class '{0}' constructor parameter '{1}' has [PersistentState] but its type is '{2}'; it must be IPersistentState<T>");

    public static readonly DiagnosticDescriptor UnserializableParameter = Error(
        "ODG011",
        "Grain method parameter cannot be serialized",
        "Grain interface method '{0}.{1}' parameter '{2}' cannot be sent: {3}");

    public static readonly DiagnosticDescriptor UnserializableResult = Error(
        "ODG012",
        "Grain method result cannot be serialized",
        "Grain interface method '{0}.{1}' returns a value that cannot be sent: {2}");

    public static readonly DiagnosticDescriptor StateWithoutConstructor = Error(
        "ODG013",
        "Persistent state type needs a public parameterless constructor",
        "Grain class '{0}' constructor parameter '{1}' holds state of type '{2}', which needs a public parameterless constructor to start from before anything is stored");

    public static readonly DiagnosticDescriptor GenericClass = Error(
        "ODG014",
        "Generic grain classes are not supported",
        "Grain class '{0}' is generic; generic grain classes are not supported");

    public static readonly DiagnosticDescriptor InaccessibleType = Error(
        "ODG015",
        "Grain type must be public or internal",
        "Grain type '{0}' is {1}; the generated proxy and factory need it to be public or internal");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
