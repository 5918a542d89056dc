using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace OrleansDelivery.Runtime.CodeGenerator;

// Everything the pipeline carries between steps is a value: no symbols, syntax nodes or compilations, so
// unchanged inputs compare equal and Roslyn reuses the generated output.

/// <summary>Where to report a diagnostic, without holding on to a syntax tree.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location) =>
        location is { IsInSource: true, SourceTree: not null }
            ? new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span)
            : null;
}

internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), [.. Arguments]);
}

internal enum ReturnKind
{
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <param name="Name">The parameter's name as written in C# (keywords escaped).</param>
/// <param name="Type">Fully qualified type, nullable annotations kept.</param>
internal sealed record ParameterModel(string Name, string Type);

/// <param name="DeclaringInterface">Fully qualified interface that declares the method (may be a base interface).</param>
/// <param name="DeclaringInterfaceName">Its simple name, for messages.</param>
/// <param name="RequestClassName">Name of the request class, unique within the proxy.</param>
/// <param name="ReturnType">The method's return type, fully qualified.</param>
/// <param name="ResultType">The request's TResult: the task's value type or VoidResult.</param>
/// <param name="Options">RequestOptions flags, as C# (empty when none).</param>
internal sealed record MethodModel(
    string Name,
    string DeclaringInterface,
    string DeclaringInterfaceName,
    string MethodId,
    string RequestClassName,
    ReturnKind ReturnKind,
    string ReturnType,
    string ResultType,
    string Options,
    EquatableArray<ParameterModel> Parameters);

/// <param name="Type">Fully qualified interface.</param>
/// <param name="MetadataName">Namespace-qualified name, for the hint name.</param>
/// <param name="GeneratedNamespace">Namespace of the proxy below the assembly's generated namespace ("" for none).</param>
/// <param name="KeyKind">Member of GrainKeyKind, or null when the key kind is invalid.</param>
/// <param name="HasErrors">True when any problem (reported here or on a base interface) prevents generating the proxy.</param>
internal sealed record GrainInterfaceModel(
    string Type,
    string MetadataName,
    string GeneratedNamespace,
    string ProxyClassName,
    string? KeyKind,
    EquatableArray<MethodModel> Methods,
    bool HasErrors,
    EquatableArray<DiagnosticInfo> Diagnostics);

internal enum ConstructorArgumentKind
{
    Service,
    PersistentState,
}

/// <param name="Type">For a service the service type; for a persistent state the state type.</param>
internal sealed record ConstructorArgumentModel(ConstructorArgumentKind Kind, string Type, string StateName, string StorageName);

/// <param name="Interfaces">The user grain interfaces the class implements, fully qualified.</param>
internal sealed record GrainClassModel(
    string Type,
    EquatableArray<string> Interfaces,
    EquatableArray<ConstructorArgumentModel> ConstructorArguments,
    bool HasErrors,
    EquatableArray<DiagnosticInfo> Diagnostics);
