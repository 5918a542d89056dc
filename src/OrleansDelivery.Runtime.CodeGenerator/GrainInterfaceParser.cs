using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OrleansDelivery.Runtime.CodeGenerator;

/// <summary>Turns a grain interface declaration into the value model the emitter works from.</summary>
internal static class GrainInterfaceParser
{
    private static readonly string[] KeyInterfaces = ["IGrainWithStringKey", "IGrainWithGuidKey", "IGrainWithIntegerKey"];
    private static readonly string[] KeyKinds = ["String", "Guid", "Integer"];

    public static GrainInterfaceModel? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (InterfaceDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not { } symbol
            || !SymbolNames.IsUserGrainInterface(symbol)
            || !SymbolNames.IsFirstDeclaration(symbol, declaration))
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var hasErrors = false;
        var interfaceLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        var interfaceName = symbol.ToDisplayString(SymbolNames.Readable);

        void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
        {
            hasErrors = true;
            diagnostics.Add(new DiagnosticInfo(descriptor, location ?? interfaceLocation, arguments.ToEquatableArray()));
        }

        if (IsGeneric(symbol))
        {
            Report(Diagnostics.GenericInterface, interfaceLocation, interfaceName);
            return Model(symbol, keyKind: null, EquatableArray<MethodModel>.Empty, hasErrors, diagnostics);
        }

        if (SymbolNames.HidingAccessibility(symbol) is { } hidden)
        {
            Report(Diagnostics.InaccessibleType, interfaceLocation, interfaceName, hidden);
        }

        var keyKind = ParseKeyKind(symbol, interfaceName, interfaceLocation, Report);

        var methods = new List<(IMethodSymbol Method, string? ResultType)>();
        foreach (var declaringInterface in new[] { symbol }.Concat(symbol.AllInterfaces))
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A base grain interface declared in this compilation reports its own problems; reporting them again
            // for every derived interface would only repeat them. Its problems still stop this proxy.
            var reportHere = SymbolEqualityComparer.Default.Equals(declaringInterface, symbol)
                || !(SymbolNames.IsUserGrainInterface(declaringInterface) && declaringInterface.Locations.Any(l => l.IsInSource));
            void ReportMember(DiagnosticDescriptor descriptor, ISymbol member, params string[] arguments)
            {
                if (reportHere)
                {
                    Report(descriptor, LocationInfo.From(member.Locations.FirstOrDefault()), arguments);
                }
                else
                {
                    hasErrors = true;
                }
            }

            var declaringName = declaringInterface.ToDisplayString(SymbolNames.Readable);
            foreach (var member in declaringInterface.GetMembers())
            {
                switch (member)
                {
                    case IPropertySymbol { IsStatic: false } property:
                        ReportMember(Diagnostics.PropertyOrEvent, property, declaringName, property.IsIndexer ? "indexer" : "property", property.Name);
                        break;
                    case IEventSymbol { IsStatic: false } @event:
                        ReportMember(Diagnostics.PropertyOrEvent, @event, declaringName, "event", @event.Name);
                        break;
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary, IsStatic: false, IsAbstract: true } method:
                        if (CheckMethod(method, declaringName, ReportMember) is { } resultType)
                        {
                            methods.Add((method, resultType));
                        }

                        break;
                }
            }
        }

        var methodModels = hasErrors ? EquatableArray<MethodModel>.Empty : BuildMethods(methods);
        return Model(symbol, keyKind, methodModels, hasErrors, diagnostics);
    }

    private static GrainInterfaceModel Model(
        INamedTypeSymbol symbol,
        string? keyKind,
        EquatableArray<MethodModel> methods,
        bool hasErrors,
        List<DiagnosticInfo> diagnostics)
    {
        var containingTypes = new List<string>();
        for (var containing = symbol.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            containingTypes.Insert(0, containing.Name);
        }

        var ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } containingNamespace
            ? string.Join(".", containingNamespace.ToDisplayString().Split('.').Select(SymbolNames.EscapeIdentifier))
            : "";
        return new GrainInterfaceModel(
            Type: SymbolNames.Display(symbol),
            MetadataName: symbol.ToDisplayString(SymbolNames.Stable),
            GeneratedNamespace: ns,
            ProxyClassName: string.Join("_", containingTypes.Concat([symbol.Name])) + "Proxy",
            KeyKind: keyKind,
            Methods: methods,
            HasErrors: hasErrors,
            Diagnostics: diagnostics.ToEquatableArray());
    }

    private static string? ParseKeyKind(
        INamedTypeSymbol symbol,
        string interfaceName,
        LocationInfo? location,
        System.Action<DiagnosticDescriptor, LocationInfo?, string[]> report)
    {
        var found = new List<int>();
        for (var i = 0; i < KeyInterfaces.Length; i++)
        {
            if (symbol.AllInterfaces.Any(t => SymbolNames.IsRuntimeType(t, KeyInterfaces[i])))
            {
                found.Add(i);
            }
        }

        switch (found.Count)
        {
            case 0:
                report(Diagnostics.MissingKeyKind, location, [interfaceName]);
                return null;
            case 1:
                return KeyKinds[found[0]];
            default:
                report(Diagnostics.AmbiguousKeyKind, location, [interfaceName, string.Join(", ", found.Select(i => KeyInterfaces[i]))]);
                return null;
        }
    }

    /// <summary>Key kind of a grain interface from any assembly, or null when it has none or several.</summary>
    public static string? KeyKindOf(INamedTypeSymbol grainInterface)
    {
        var kinds = Enumerable.Range(0, KeyInterfaces.Length)
            .Where(i => grainInterface.AllInterfaces.Any(t => SymbolNames.IsRuntimeType(t, KeyInterfaces[i])))
            .ToList();
        return kinds.Count == 1 ? KeyKinds[kinds[0]] : null;
    }

    /// <summary>Checks one method; returns its request's result type, or null when it cannot be generated.</summary>
    private static string? CheckMethod(
        IMethodSymbol method,
        string declaringName,
        System.Action<DiagnosticDescriptor, ISymbol, string[]> report)
    {
        var ok = true;
        if (method.IsGenericMethod)
        {
            report(Diagnostics.GenericMethod, method, [declaringName, method.Name]);
            ok = false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None)
            {
                var refKind = parameter.RefKind switch
                {
                    RefKind.Out => "out",
                    RefKind.In => "in",
                    RefKind.RefReadOnlyParameter => "ref readonly",
                    _ => "ref",
                };
                report(Diagnostics.ByRefParameter, parameter, [declaringName, method.Name, parameter.Name, refKind]);
                ok = false;
            }
            else if (!method.IsGenericMethod && SerializabilityChecker.Check(parameter.Type) is { } problem)
            {
                report(Diagnostics.UnserializableParameter, parameter, [declaringName, method.Name, parameter.Name, problem]);
                ok = false;
            }
        }

        var returnType = method.ReturnType as INamedTypeSymbol;
        var returnName = returnType is null ? "" : SymbolNames.MetadataName(returnType);
        string? resultType = null;
        switch (returnName)
        {
            case "System.Threading.Tasks.Task":
            case "System.Threading.Tasks.ValueTask":
                resultType = "global::OrleansDelivery.Runtime.VoidResult";
                break;
            case "System.Threading.Tasks.Task`1":
            case "System.Threading.Tasks.ValueTask`1":
                var result = returnType!.TypeArguments[0];
                if (!method.IsGenericMethod && SerializabilityChecker.Check(result) is { } problem)
                {
                    report(Diagnostics.UnserializableResult, method, [declaringName, method.Name, problem]);
                    ok = false;
                }

                resultType = SymbolNames.Display(result);
                break;
            default:
                if (method.ReturnType.TypeKind != TypeKind.Error)
                {
                    report(Diagnostics.UnsupportedReturnType, method, [declaringName, method.Name, method.ReturnType.ToDisplayString(SymbolNames.Readable)]);
                }

                ok = false;
                break;
        }

        return ok ? resultType : null;
    }

    private static EquatableArray<MethodModel> BuildMethods(List<(IMethodSymbol Method, string? ResultType)> methods)
    {
        var overloaded = new HashSet<string>(methods.GroupBy(m => m.Method.Name).Where(g => g.Count() > 1).Select(g => g.Key));
        var usedNames = new HashSet<string>();
        var overloadIndex = new Dictionary<string, int>();
        var models = ImmutableArray.CreateBuilder<MethodModel>(methods.Count);
        foreach (var (method, resultType) in methods)
        {
            var declaring = method.ContainingType;
            var stem = method.Name;
            if (overloaded.Contains(method.Name))
            {
                overloadIndex[method.Name] = overloadIndex.TryGetValue(method.Name, out var index) ? index + 1 : 1;
                stem += "_" + overloadIndex[method.Name];
            }

            var className = stem + "Request";
            for (var suffix = 2; !usedNames.Add(className); suffix++)
            {
                className = stem + "_" + suffix + "Request";
            }

            var returnType = (INamedTypeSymbol)method.ReturnType;
            var returnKind = SymbolNames.MetadataName(returnType) switch
            {
                "System.Threading.Tasks.Task" => ReturnKind.Task,
                "System.Threading.Tasks.ValueTask" => ReturnKind.ValueTask,
                "System.Threading.Tasks.Task`1" => ReturnKind.TaskOfT,
                _ => ReturnKind.ValueTaskOfT,
            };

            var options = new List<string>();
            if (method.GetAttributes().Any(a => SymbolNames.IsRuntimeType(a.AttributeClass, "ReadOnlyAttribute")))
            {
                options.Add("global::OrleansDelivery.Runtime.RequestOptions.ReadOnly");
            }

            if (method.GetAttributes().Any(a => SymbolNames.IsRuntimeType(a.AttributeClass, "AlwaysInterleaveAttribute")))
            {
                options.Add("global::OrleansDelivery.Runtime.RequestOptions.AlwaysInterleave");
            }

            var methodId = declaring.ToDisplayString(SymbolNames.Stable) + "." + method.Name
                + "(" + string.Join(",", method.Parameters.Select(p => p.Type.ToDisplayString(SymbolNames.Stable))) + ")";

            models.Add(new MethodModel(
                Name: method.Name,
                DeclaringInterface: SymbolNames.Display(declaring),
                DeclaringInterfaceName: declaring.Name,
                MethodId: methodId,
                RequestClassName: className,
                ReturnKind: returnKind,
                ReturnType: SymbolNames.Display(returnType),
                ResultType: resultType!,
                Options: string.Join(" | ", options),
                Parameters: method.Parameters
                    .Select(p => new ParameterModel(SymbolNames.EscapeIdentifier(p.Name), SymbolNames.Display(p.Type)))
                    .ToEquatableArray()));
        }

        return new EquatableArray<MethodModel>(models.MoveToImmutable());
    }

    private static bool IsGeneric(INamedTypeSymbol symbol)
    {
        for (var current = symbol; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                return true;
            }
        }

        return false;
    }
}
