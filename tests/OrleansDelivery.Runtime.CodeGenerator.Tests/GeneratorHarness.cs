using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace OrleansDelivery.Runtime.CodeGenerator.Tests;

/// <summary>Runs the generator the way the compiler does in a consuming project, over sample sources.</summary>
internal static class GeneratorHarness
{
    public const string AssemblyName = "Sample.Grains";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // Framework plus runtime: what a grain project compiles against. Read once; it is the slow part.
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(typeof(GrainRequest).Assembly.Location)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        return [.. paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    });

    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            AssemblyName,
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Sample{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: true,
                // As the SDK does with AnalysisLevel latest: every warning wave is on.
                warningLevel: 9999));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new GrainCodeGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GenerationResult Run(params string[] sources)
    {
        var input = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        return new GenerationResult(driver, (CSharpCompilation)output, generatorDiagnostics);
    }
}

internal sealed record GenerationResult(GeneratorDriver Driver, CSharpCompilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    public ImmutableArray<GeneratedSourceResult> GeneratedSources => Driver.GetRunResult().Results.Single().GeneratedSources;

    public string Source(string hintName) =>
        GeneratedSources.SingleOrDefault(s => s.HintName == hintName).SourceText?.ToString()
        ?? throw new InvalidOperationException($"No generated file {hintName}; got {string.Join(", ", GeneratedSources.Select(s => s.HintName))}.");

    /// <summary>Warnings and errors of the whole compilation, generated code included.</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        [.. Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];

    public Assembly Load()
    {
        using var image = new MemoryStream();
        var emitted = Output.Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, emitted.Diagnostics));
        }

        image.Position = 0;
        // Collectible, so each test's sample assembly goes away; runtime types resolve to the test's own copy.
        return new AssemblyLoadContext(Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(image);
    }
}
