using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OrleansDelivery.Runtime.CodeGenerator;

/// <summary>Turns a grain class declaration into the value model its factory is generated from.</summary>
internal static class GrainClassParser
{
    public static GrainClassModel? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (ClassDeclarationSyntax)context.Node;
        if (context.SemanticModel.GetDeclaredSymbol(declaration, cancellationToken) is not { IsAbstract: false, IsStatic: false } symbol
            || !DerivesFromGrain(symbol)
            || !SymbolNames.IsFirstDeclaration(symbol, declaration))
        {
            return null;
        }

        var interfaces = symbol.AllInterfaces.Where(SymbolNames.IsUserGrainInterface).ToList();
        if (interfaces.Count == 0)
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var location = LocationInfo.From(declaration.Identifier.GetLocation());
        var className = symbol.ToDisplayString(SymbolNames.Readable);

        void Report(DiagnosticDescriptor descriptor, LocationInfo? where, params string[] arguments) =>
            diagnostics.Add(new DiagnosticInfo(descriptor, where ?? location, arguments.ToEquatableArray()));

        if (symbol.TypeParameters.Length > 0 || symbol.ContainingType is { IsGenericType: true })
        {
            Report(Diagnostics.GenericClass, location, className);
        }

        if (SymbolNames.HidingAccessibility(symbol) is { } hidden)
        {
            Report(Diagnostics.InaccessibleType, location, className, hidden);
        }

        // Interfaces without a valid key kind are reported on the interface itself.
        var keyKinds = interfaces
            .Select(i => (Interface: i, KeyKind: GrainInterfaceParser.KeyKindOf(i)))
            .Where(i => i.KeyKind is not null)
            .ToList();
        if (keyKinds.Select(i => i.KeyKind).Distinct().Count() > 1)
        {
            Report(Diagnostics.KeyKindMismatch, location, className,
                string.Join(", ", keyKinds.Select(i => $"{i.Interface.ToDisplayString(SymbolNames.Readable)} has a {i.KeyKind} key")));
        }

        var arguments = new List<ConstructorArgumentModel>();
        var constructor = ChooseConstructor(symbol, out var publicCount);
        if (constructor is null)
        {
            Report(Diagnostics.ConstructorCount, location, className, publicCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (ParseArgument(parameter, className, Report) is { } argument)
                {
                    arguments.Add(argument);
                }
            }
        }

        return new GrainClassModel(
            Type: SymbolNames.Display(symbol),
            Interfaces: interfaces.Select(SymbolNames.Display).ToEquatableArray(),
            ConstructorArguments: arguments.ToEquatableArray(),
            HasErrors: diagnostics.Count > 0,
            Diagnostics: diagnostics.ToEquatableArray());
    }

    private static ConstructorArgumentModel? ParseArgument(
        IParameterSymbol parameter,
        string className,
        System.Action<DiagnosticDescriptor, LocationInfo?, string[]> report)
    {
        var attribute = parameter.GetAttributes().FirstOrDefault(a => SymbolNames.IsRuntimeType(a.AttributeClass, "PersistentStateAttribute"));
        if (attribute is null)
        {
            // GetService<T> requires a non-null T; an optional-looking annotation does not change which service is asked for.
            var serviceType = parameter.Type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
            return new ConstructorArgumentModel(ConstructorArgumentKind.Service, SymbolNames.Display(serviceType), "", "");
        }

        var where = LocationInfo.From(parameter.Locations.FirstOrDefault());
        if (parameter.Type is not INamedTypeSymbol { Arity: 1 } stateType
            || stateType.OriginalDefinition.ToDisplayString() != SymbolNames.RuntimeNamespace + ".IPersistentState<TState>")
        {
            report(Diagnostics.PersistentStateType, where, [className, parameter.Name, parameter.Type.ToDisplayString(SymbolNames.Readable)]);
            return null;
        }

        var state = stateType.TypeArguments[0];
        if (state.TypeKind != TypeKind.Error && !HasParameterlessConstructor(state))
        {
            report(Diagnostics.StateWithoutConstructor, where, [className, parameter.Name, state.ToDisplayString(SymbolNames.Readable)]);
            return null;
        }

        var stateName = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string ?? "" : "";
        var storageName = attribute.ConstructorArguments.Length > 1 ? attribute.ConstructorArguments[1].Value as string : null;
        return new ConstructorArgumentModel(
            ConstructorArgumentKind.PersistentState,
            SymbolNames.Display(state),
            stateName,
            storageName ?? "Default");
    }

    /// <summary>The single public constructor, or the only constructor when none is public.</summary>
    private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol symbol, out int publicCount)
    {
        var all = symbol.InstanceConstructors;
        var publicOnes = all.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        publicCount = publicOnes.Count;
        if (publicOnes.Count == 1)
        {
            return publicOnes[0];
        }

        return publicOnes.Count == 0 && all.Length == 1 && all[0].DeclaredAccessibility != Accessibility.Private ? all[0] : null;
    }

    private static bool HasParameterlessConstructor(ITypeSymbol type) =>
        type.IsValueType
        || (type is INamedTypeSymbol { IsAbstract: false } named
            && named.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public));

    private static bool DerivesFromGrain(INamedTypeSymbol symbol)
    {
        for (var current = symbol.BaseType; current is not null; current = current.BaseType)
        {
            if (SymbolNames.IsRuntimeType(current, "Grain"))
            {
                return true;
            }
        }

        return false;
    }
}
