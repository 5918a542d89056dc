using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OrleansDelivery.Runtime.CodeGenerator;

/// <summary>
/// Generates, for every grain interface of the assembly, a proxy and one request class per method, and for every
/// grain class a factory; registers them all through one <c>GrainCodeAttribute</c>, so the runtime never
/// reflects over grain code on a call.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class GrainCodeGenerator : IIncrementalGenerator
{
    /// <summary>Names of the tracked pipeline steps, for incrementality tests.</summary>
    public const string InterfacesStep = "GrainInterfaces";
    public const string ClassesStep = "GrainClasses";
    public const string RegistrationStep = "GrainRegistration";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var rootNamespace = context.CompilationProvider
            .Select(static (compilation, _) => GrainCodeEmitter.RootNamespace(compilation.AssemblyName));

        var interfaces = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is InterfaceDeclarationSyntax { BaseList: not null },
                GrainInterfaceParser.Parse)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(InterfacesStep);

        var classes = context.SyntaxProvider
            .CreateSyntaxProvider(
                static (node, _) => node is ClassDeclarationSyntax { BaseList: not null },
                GrainClassParser.Parse)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(ClassesStep);

        context.RegisterSourceOutput(interfaces.Combine(rootNamespace), static (output, pair) =>
        {
            var (model, root) = pair;
            foreach (var diagnostic in model.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (!model.HasErrors)
            {
                output.AddSource(GrainCodeEmitter.InterfaceHintName(model), GrainCodeEmitter.EmitInterface(root, model));
            }
        });

        context.RegisterSourceOutput(classes, static (output, model) =>
        {
            foreach (var diagnostic in model.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        var registration = interfaces
            .Where(static model => !model.HasErrors)
            .Collect()
            .Combine(classes.Where(static model => !model.HasErrors).Collect())
            .Combine(rootNamespace)
            .Select(static (input, _) => new RegistrationModel(
                input.Right,
                input.Left.Left.ToEquatableArray(),
                input.Left.Right.ToEquatableArray()))
            .WithTrackingName(RegistrationStep);

        context.RegisterSourceOutput(registration, static (output, model) =>
        {
            if (model.Interfaces.Count == 0 && model.Classes.Count == 0)
            {
                return;
            }

            output.AddSource(
                GrainCodeEmitter.RegistrationHintName,
                GrainCodeEmitter.EmitRegistration(model.RootNamespace, [.. model.Interfaces], [.. model.Classes]));
        });
    }

    private sealed record RegistrationModel(
        string RootNamespace,
        EquatableArray<GrainInterfaceModel> Interfaces,
        EquatableArray<GrainClassModel> Classes);
}
