using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace OrleansDelivery.Runtime.CodeGenerator;

/// <summary>
/// Decides whether a grain argument or result survives a trip through System.Text.Json. Refusing at build time
/// turns what would be a runtime failure on the first cross-silo call (or silently lost data, as with tuples)
/// into an error that names the offending type.
/// </summary>
internal sealed class SerializabilityChecker
{
    private static readonly HashSet<string> ScalarTypes =
    [
        "System.Guid",
        "System.DateTimeOffset",
        "System.TimeSpan",
        "System.DateOnly",
        "System.TimeOnly",
        "System.Uri",
        "System.Version",
        "System.Half",
        "System.Int128",
        "System.UInt128",
    ];

    // System.Text.Json writes dictionary keys as property names, which it can do for these only.
    private static readonly HashSet<string> DictionaryKeyTypes =
    [
        "System.Guid",
        "System.DateTimeOffset",
        "System.TimeSpan",
        "System.DateOnly",
        "System.TimeOnly",
        "System.Uri",
        "System.Version",
    ];

    private static readonly HashSet<string> SequenceTypes =
    [
        "System.Collections.Generic.List`1",
        "System.Collections.Generic.IList`1",
        "System.Collections.Generic.ICollection`1",
        "System.Collections.Generic.IEnumerable`1",
        "System.Collections.Generic.IReadOnlyList`1",
        "System.Collections.Generic.IReadOnlyCollection`1",
        "System.Collections.Generic.HashSet`1",
        "System.Collections.Generic.ISet`1",
        "System.Collections.Generic.IReadOnlySet`1",
        "System.Collections.Generic.SortedSet`1",
        "System.Collections.Generic.Queue`1",
        "System.Collections.Generic.Stack`1",
        "System.Collections.Generic.LinkedList`1",
        "System.Collections.Immutable.ImmutableArray`1",
        "System.Collections.Immutable.ImmutableList`1",
        "System.Collections.Immutable.IImmutableList`1",
        "System.Collections.Immutable.ImmutableHashSet`1",
        "System.Collections.Immutable.IImmutableSet`1",
        "System.Collections.Immutable.ImmutableSortedSet`1",
        "System.Collections.Immutable.ImmutableQueue`1",
        "System.Collections.Immutable.IImmutableQueue`1",
        "System.Collections.Immutable.ImmutableStack`1",
        "System.Collections.Immutable.IImmutableStack`1",
        "System.Collections.ObjectModel.Collection`1",
        "System.Collections.ObjectModel.ReadOnlyCollection`1",
    ];

    private static readonly HashSet<string> DictionaryTypes =
    [
        "System.Collections.Generic.Dictionary`2",
        "System.Collections.Generic.IDictionary`2",
        "System.Collections.Generic.IReadOnlyDictionary`2",
        "System.Collections.Generic.SortedDictionary`2",
        "System.Collections.Generic.SortedList`2",
        "System.Collections.Immutable.ImmutableDictionary`2",
        "System.Collections.Immutable.IImmutableDictionary`2",
        "System.Collections.Immutable.ImmutableSortedDictionary`2",
        "System.Collections.ObjectModel.ReadOnlyDictionary`2",
    ];

    // Types already accepted or being checked further up: makes recursive records terminate.
    private readonly HashSet<ITypeSymbol> _seen = new(SymbolEqualityComparer.Default);

    private SerializabilityChecker()
    {
    }

    /// <summary>Null when <paramref name="type"/> can be sent; otherwise why not, naming the offending type.</summary>
    public static string? Check(ITypeSymbol type) => new SerializabilityChecker().Visit(type, via: null);

    private string? Visit(ITypeSymbol type, string? via)
    {
        switch (type.TypeKind)
        {
            case TypeKind.Error:
                // The compiler already reports unknown types; a second error would only be noise.
                return null;
            case TypeKind.Dynamic:
                return Refuse(type, via, "object and dynamic carry no type to deserialize into; use a concrete type");
            case TypeKind.Pointer:
            case TypeKind.FunctionPointer:
                return Refuse(type, via, "pointers cannot be serialized");
            case TypeKind.TypeParameter:
                return Refuse(type, via, "open generic types cannot be serialized");
            case TypeKind.Delegate:
                return Refuse(type, via, "delegates cannot be serialized");
            case TypeKind.Enum:
                return null;
            case TypeKind.Array:
                var array = (IArrayTypeSymbol)type;
                return array.IsSZArray
                    ? Visit(array.ElementType, Append(via, "element of " + Name(type)))
                    : Refuse(type, via, "System.Text.Json does not support multi-dimensional arrays; use an array of arrays");
        }

        if (type is not INamedTypeSymbol named)
        {
            return Refuse(type, via, "this kind of type cannot be serialized");
        }

        // Nullable<T> is only special on its definition: the constructed long? has SpecialType None.
        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            return Visit(named.TypeArguments[0], via);
        }

        if (IsPrimitive(named.SpecialType))
        {
            return null;
        }

        switch (named.SpecialType)
        {
            case SpecialType.System_Object:
                return Refuse(type, via, "object and dynamic carry no type to deserialize into; use a concrete type");
            case SpecialType.System_IntPtr:
            case SpecialType.System_UIntPtr:
                return Refuse(type, via, "native pointers cannot be serialized");
            case SpecialType.System_Nullable_T:
                return Visit(named.TypeArguments[0], via);
        }

        var metadataName = SymbolNames.MetadataName(named);
        if (ScalarTypes.Contains(metadataName))
        {
            return null;
        }

        if (SequenceTypes.Contains(metadataName))
        {
            return Visit(named.TypeArguments[0], Append(via, "element of " + Name(type)));
        }

        if (DictionaryTypes.Contains(metadataName) || metadataName == "System.Collections.Generic.KeyValuePair`2")
        {
            if (metadataName != "System.Collections.Generic.KeyValuePair`2" && !IsDictionaryKey(named.TypeArguments[0]))
            {
                return Refuse(named.TypeArguments[0], Append(via, "key of " + Name(type)),
                    "dictionary keys must be strings, primitives, enums, Guid, Uri or date and time types");
            }

            return Visit(named.TypeArguments[0], Append(via, "key of " + Name(type)))
                ?? Visit(named.TypeArguments[1], Append(via, "value of " + Name(type)));
        }

        switch (metadataName)
        {
            case "System.Threading.CancellationToken":
                return Refuse(type, via, "the call timeout applies; CancellationToken parameters are not supported");
            case "System.Threading.Tasks.Task":
            case "System.Threading.Tasks.Task`1":
            case "System.Threading.Tasks.ValueTask":
            case "System.Threading.Tasks.ValueTask`1":
                return Refuse(type, via, "tasks cannot be serialized; await the value and send it");
            case "System.Type":
                return Refuse(type, via, "System.Type cannot be serialized; send a name instead");
        }

        if (metadataName.StartsWith("System.ValueTuple", System.StringComparison.Ordinal)
            || metadataName.StartsWith("System.Tuple", System.StringComparison.Ordinal))
        {
            return Refuse(type, via, "System.Text.Json does not serialize tuple elements; use a record");
        }

        if (DerivesFrom(named, "System.Exception"))
        {
            return Refuse(type, via, "exceptions cannot be serialized; send an error code or message");
        }

        if (DerivesFrom(named, "System.IO.Stream"))
        {
            return Refuse(type, via, "streams cannot be serialized; send the bytes or a URI");
        }

        if (named.TypeKind == TypeKind.Interface)
        {
            return SymbolNames.IsGrainInterface(named)
                ? Refuse(type, via, "grain references as arguments are not supported yet; send the grain's key instead")
                : Refuse(type, via, "interfaces cannot be deserialized (only the generic and immutable collection interfaces can); use a concrete type");
        }

        if (named.IsAbstract)
        {
            return Refuse(type, via, "abstract classes cannot be deserialized; use a concrete type");
        }

        if (named.IsRefLikeType)
        {
            return Refuse(type, via, "ref structs cannot be serialized");
        }

        if (named.IsAnonymousType)
        {
            return Refuse(type, via, "anonymous types cannot be deserialized; use a record");
        }

        if (IsFrameworkType(named))
        {
            return Refuse(type, via,
                "this framework type is not one the grain serializer supports (primitives, string, decimal, Guid, date and time types, Uri, enums, arrays, collections and dictionaries)");
        }

        return VisitObject(named, via);
    }

    private string? VisitObject(INamedTypeSymbol type, string? via)
    {
        if (!_seen.Add(type))
        {
            return null;
        }

        if (type.TypeKind == TypeKind.Class && !HasUsableConstructor(type))
        {
            return Refuse(type, via,
                "System.Text.Json needs a public parameterless constructor, a single public constructor or one marked [JsonConstructor]");
        }

        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is not IPropertySymbol property
                    || property.IsStatic
                    || property.IsIndexer
                    || property.IsOverride
                    || property.DeclaredAccessibility != Accessibility.Public
                    || property.GetMethod is not { DeclaredAccessibility: Accessibility.Public }
                    || property.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonIgnoreAttribute"))
                {
                    continue;
                }

                var problem = Visit(property.Type, Append(via, "property " + Name(type) + "." + property.Name));
                if (problem is not null)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    private static bool HasUsableConstructor(INamedTypeSymbol type)
    {
        var constructors = type.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        return constructors.Count == 1
            || constructors.Any(c => c.Parameters.Length == 0)
            || type.InstanceConstructors.Any(c => c.GetAttributes().Any(a =>
                a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonConstructorAttribute"));
    }

    private static bool IsDictionaryKey(ITypeSymbol type)
    {
        if (type.TypeKind == TypeKind.Enum)
        {
            return true;
        }

        if (IsPrimitive(type.SpecialType))
        {
            return true;
        }

        return type is INamedTypeSymbol named && DictionaryKeyTypes.Contains(SymbolNames.MetadataName(named));
    }

    private static bool DerivesFrom(INamedTypeSymbol type, string metadataName)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolNames.MetadataName(current) == metadataName)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFrameworkType(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        return ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal)
            || ns == "Microsoft" || ns.StartsWith("Microsoft.", System.StringComparison.Ordinal);
    }

    private static string Refuse(ITypeSymbol type, string? via, string reason) =>
        via is null ? $"'{Name(type)}': {reason}" : $"'{Name(type)}' ({via}): {reason}";

    private static string Append(string? via, string step) => via is null ? step : step + ", " + via;

    private static string Name(ITypeSymbol type) => type.ToDisplayString(SymbolNames.Readable);

    /// <summary>The built-in types System.Text.Json writes as JSON primitives.</summary>
    private static bool IsPrimitive(SpecialType specialType) => specialType switch
    {
        SpecialType.System_Boolean or SpecialType.System_Char or SpecialType.System_SByte or SpecialType.System_Byte
            or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32 or SpecialType.System_UInt32
            or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Single or SpecialType.System_Double
            or SpecialType.System_Decimal or SpecialType.System_String or SpecialType.System_DateTime => true,
        _ => false,
    };
}
