using System.Collections.Immutable;
using System.Linq;
using System.Text;

namespace OrleansDelivery.Runtime.CodeGenerator;

/// <summary>Writes the C# of proxies, requests and the assembly's registration.</summary>
internal static class GrainCodeEmitter
{
    private const string Runtime = "global::OrleansDelivery.Runtime";
    private const string Json = "global::System.Text.Json";
    private const string Tasks = "global::System.Threading.Tasks";

    public static string RootNamespace(string? assemblyName) => "OrleansDeliveryGenerated." + Sanitize(assemblyName ?? "");

    public static string ProxyNamespace(string rootNamespace, GrainInterfaceModel model) =>
        model.GeneratedNamespace.Length == 0 ? rootNamespace : rootNamespace + "." + model.GeneratedNamespace;

    public static string InterfaceHintName(GrainInterfaceModel model) => model.MetadataName + ".g.cs";

    public const string RegistrationHintName = "OrleansDeliveryGenerated.GrainCodeProvider.g.cs";

    public static string EmitInterface(string rootNamespace, GrainInterfaceModel model)
    {
        var w = Header();
        w.Line($"namespace {ProxyNamespace(rootNamespace, model)};");
        w.Line();
        w.Line($"/// <summary>Sends calls on <see cref=\"{model.Type}\"/> to the grain; one request object per call, nothing else.</summary>");
        w.Line($"internal sealed class {model.ProxyClassName}({Runtime}.GrainId grainId, {Runtime}.IGrainCallSender sender)");
        w.Open($"    : {Runtime}.GrainReference(grainId, sender), {model.Type}");

        for (var i = 0; i < model.Methods.Count; i++)
        {
            if (i > 0)
            {
                w.Line();
            }

            EmitProxyMethod(w, model.Methods[i]);
        }

        foreach (var method in model.Methods)
        {
            w.Line();
            EmitRequest(w, method);
        }

        w.Close();
        return w.ToString();
    }

    private static void EmitProxyMethod(SourceWriter w, MethodModel method)
    {
        var parameters = string.Join(", ", method.Parameters.Select(p => $"{p.Type} {p.Name}"));
        var initializer = method.Parameters.Count == 0
            ? $"new {method.RequestClassName}()"
            : $"new {method.RequestClassName} {{ {string.Join(", ", method.Parameters.Select((p, i) => $"Arg{i} = {p.Name}"))} }}";
        var send = $"base.InvokeAsync({initializer})";
        var body = method.ReturnKind switch
        {
            ReturnKind.ValueTask => $"new {Tasks}.ValueTask({send})",
            ReturnKind.ValueTaskOfT => $"new {method.ReturnType}({send})",
            _ => send,
        };
        w.Line($"{method.ReturnType} {method.DeclaringInterface}.{SymbolNames.EscapeIdentifier(method.Name)}({parameters}) =>");
        w.Line($"    {body};");
    }

    private static void EmitRequest(SourceWriter w, MethodModel method)
    {
        var count = method.Parameters.Count;
        w.Open($"internal sealed class {method.RequestClassName} : {Runtime}.GrainRequest<{method.ResultType}>");
        for (var i = 0; i < count; i++)
        {
            w.Line($"public {method.Parameters[i].Type} Arg{i} = default!;");
        }

        if (count > 0)
        {
            w.Line();
        }

        w.Line($"public override string InterfaceName => {SymbolNames.Literal(method.DeclaringInterfaceName)};");
        w.Line();
        w.Line($"public override string MethodName => {SymbolNames.Literal(method.Name)};");
        w.Line();
        w.Line($"public override string MethodId => {SymbolNames.Literal(method.MethodId)};");
        if (method.Options.Length > 0)
        {
            w.Line();
            w.Line($"public override {Runtime}.RequestOptions Options => {method.Options};");
        }

        var call = $"(({method.DeclaringInterface})grain).{SymbolNames.EscapeIdentifier(method.Name)}({string.Join(", ", Enumerable.Range(0, count).Select(i => $"Arg{i}"))})";
        var invoke = method.ReturnKind switch
        {
            ReturnKind.TaskOfT => $"new({call})",
            ReturnKind.ValueTaskOfT => call,
            _ => $"{Runtime}.VoidResult.From({call})",
        };
        w.Line();
        w.Line($"protected override {Tasks}.ValueTask<{method.ResultType}> InvokeAsync(object grain) =>");
        w.Line($"    {invoke};");

        w.Line();
        w.Open($"public override void WriteArguments({Json}.Utf8JsonWriter writer, {Json}.JsonSerializerOptions options)");
        w.Line("writer.WriteStartArray();");
        for (var i = 0; i < count; i++)
        {
            w.Line($"{Json}.JsonSerializer.Serialize<{method.Parameters[i].Type}>(writer, Arg{i}, options);");
        }

        w.Line("writer.WriteEndArray();");
        w.Close();

        // The reader starts on the array's StartArray; each value is read from its first token and
        // Deserialize leaves the reader on its last, so one Read() moves to the next value. A wrong count
        // must fail loudly rather than call the grain with default arguments.
        var malformed = $"throw new {Json}.JsonException({SymbolNames.Literal($"The arguments of {method.MethodId} must be a JSON array of {count} value{(count == 1 ? "" : "s")}.")});";
        w.Line();
        w.Open($"public override void ReadArguments(ref {Json}.Utf8JsonReader reader, {Json}.JsonSerializerOptions options)");
        w.Open($"if (reader.TokenType != {Json}.JsonTokenType.StartArray)");
        w.Line(malformed);
        w.Close();
        for (var i = 0; i < count; i++)
        {
            w.Line();
            w.Open($"if (!reader.Read() || reader.TokenType == {Json}.JsonTokenType.EndArray)");
            w.Line(malformed);
            w.Close();
            w.Line();
            w.Line($"Arg{i} = {Json}.JsonSerializer.Deserialize<{method.Parameters[i].Type}>(ref reader, options)!;");
        }

        w.Line();
        w.Open($"if (!reader.Read() || reader.TokenType != {Json}.JsonTokenType.EndArray)");
        w.Line(malformed);
        w.Close();
        w.Close();

        w.Close();
    }

    public static string EmitRegistration(
        string rootNamespace,
        ImmutableArray<GrainInterfaceModel> interfaces,
        ImmutableArray<GrainClassModel> classes)
    {
        var w = Header();
        w.Line($"[assembly: {Runtime}.GrainCodeAttribute(typeof(global::{rootNamespace}.GrainCodeProvider))]");
        w.Line();
        w.Line($"namespace {rootNamespace};");
        w.Line();
        w.Line("/// <summary>Registers this assembly's grain proxies, requests and grain factories with the silo.</summary>");
        w.Open($"internal sealed class GrainCodeProvider : {Runtime}.IGrainCodeProvider");
        w.Open($"public void Populate({Runtime}.GrainCodeCatalog catalog)");

        foreach (var grainInterface in interfaces.OrderBy(i => i.MetadataName, System.StringComparer.Ordinal))
        {
            var proxy = $"global::{ProxyNamespace(rootNamespace, grainInterface)}.{grainInterface.ProxyClassName}";
            w.Line($"catalog.AddInterface(new {Runtime}.GrainInterfaceDescriptor(");
            w.Line($"    typeof({grainInterface.Type}),");
            w.Line($"    {Runtime}.GrainKeyKind.{grainInterface.KeyKind},");
            w.Line($"    static (grainId, sender) => new {proxy}(grainId, sender),");
            w.Line($"    new global::System.Collections.Generic.Dictionary<string, global::System.Func<{Runtime}.GrainRequest>>");
            w.Line("    {");
            foreach (var method in grainInterface.Methods)
            {
                w.Line($"        [{SymbolNames.Literal(method.MethodId)}] = static () => new {proxy}.{method.RequestClassName}(),");
            }

            w.Line("    }));");
        }

        foreach (var grainClass in classes.OrderBy(c => c.Type, System.StringComparer.Ordinal))
        {
            var arguments = string.Join(", ", grainClass.ConstructorArguments.Select(a => a.Kind == ConstructorArgumentKind.PersistentState
                ? $"context.GetPersistentState<{a.Type}>({SymbolNames.Literal(a.StateName)}, {SymbolNames.Literal(a.StorageName)})"
                : $"context.GetService<{a.Type}>()"));
            w.Line($"catalog.AddClass(new {Runtime}.GrainClassDescriptor(");
            w.Line($"    typeof({grainClass.Type}),");
            w.Line($"    new global::System.Type[] {{ {string.Join(", ", grainClass.Interfaces.Select(i => $"typeof({i})"))} }},");
            w.Line($"    static context => new {grainClass.Type}({arguments})));");
        }

        w.Close();
        w.Close();
        return w.ToString();
    }

    private static SourceWriter Header() =>
        new SourceWriter()
            .Line("// <auto-generated/>")
            .Line("#nullable enable")
            .Line();

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
