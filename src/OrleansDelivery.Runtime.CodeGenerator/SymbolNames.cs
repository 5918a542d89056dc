using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OrleansDelivery.Runtime.CodeGenerator;

/// <summary>How the generator recognises runtime types and writes type names.</summary>
internal static class SymbolNames
{
    public const string RuntimeNamespace = "OrleansDelivery.Runtime";

    /// <summary>For generated code: global-qualified, keywords for special types, nullable annotations kept.</summary>
    public static readonly SymbolDisplayFormat FullyQualified = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// For method ids: metadata-style names ("System.Int32") that do not depend on nullable annotations or
    /// aliases, so an id only changes when the wire contract does.
    /// </summary>
    public static readonly SymbolDisplayFormat Stable = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.ExpandNullable);

    /// <summary>For messages: what the user wrote, without "global::".</summary>
    public static readonly SymbolDisplayFormat Readable = SymbolDisplayFormat.CSharpErrorMessageFormat;

    public static string Display(ITypeSymbol type) => type.ToDisplayString(FullyQualified);

    public static bool IsInNamespace(ISymbol symbol, string ns) =>
        symbol.ContainingNamespace is { } containing && containing.ToDisplayString() == ns;

    /// <summary>The non-generic runtime type <paramref name="name"/> (e.g. IGrain), by name so no lookup is needed per node.</summary>
    public static bool IsRuntimeType(ITypeSymbol? type, string name) =>
        type is INamedTypeSymbol { ContainingType: null, Arity: 0 } named && named.Name == name && IsInNamespace(named, RuntimeNamespace);

    public static bool IsGrainInterface(ITypeSymbol type) =>
        type.TypeKind == TypeKind.Interface && (IsRuntimeType(type, "IGrain") || type.AllInterfaces.Any(i => IsRuntimeType(i, "IGrain")));

    /// <summary>A grain interface written by the user, as opposed to the runtime's markers and IRemindable.</summary>
    public static bool IsUserGrainInterface(ITypeSymbol type) => IsGrainInterface(type) && !IsInNamespace(type, RuntimeNamespace);

    /// <summary>The accessibility that hides <paramref name="type"/> from other code in its assembly, or null when none does.</summary>
    public static string? HidingAccessibility(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            switch (current.DeclaredAccessibility)
            {
                case Accessibility.Private:
                    return current.Equals(type, SymbolEqualityComparer.Default) ? "private" : $"nested in private '{current.Name}'";
                case Accessibility.Protected:
                case Accessibility.ProtectedAndInternal:
                    return current.Equals(type, SymbolEqualityComparer.Default) ? "protected" : $"nested in protected '{current.Name}'";
            }
        }

        return null;
    }

    public static string EscapeIdentifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    /// <summary>Full metadata name of a type's generic definition, e.g. "System.Collections.Generic.List`1".</summary>
    public static string MetadataName(INamedTypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        var name = definition.MetadataName;
        for (var containing = definition.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            name = containing.MetadataName + "+" + name;
        }

        return definition.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
    }

    // A partial type has several declarations; only the first one with a base list (which a grain type needs)
    // produces the model, so the type is generated once.
    public static bool IsFirstDeclaration<TDeclaration>(INamedTypeSymbol symbol, TDeclaration declaration)
        where TDeclaration : TypeDeclarationSyntax =>
        symbol.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax())
            .OfType<TDeclaration>()
            .FirstOrDefault(syntax => syntax.BaseList is not null) == declaration;
}
