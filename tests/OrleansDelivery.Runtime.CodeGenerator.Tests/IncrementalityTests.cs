using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace OrleansDelivery.Runtime.CodeGenerator.Tests;

/// <summary>
/// The generator runs on every keystroke in the IDE: an edit that does not touch grain code must reuse the
/// generated output rather than rebuild it.
/// </summary>
public sealed class IncrementalityTests
{
    [Fact]
    public void An_unrelated_edit_reuses_every_cached_output()
    {
        var (second, _) = RunTwice(compilation => compilation.AddSyntaxTrees(
            CSharpSyntaxTree.ParseText(Samples.Unrelated, GeneratorHarness.ParseOptions, path: "Unrelated.cs")));

        var run = second.GetRunResult().Results.Single();
        Assert.All(run.TrackedSteps[GrainCodeGenerator.InterfacesStep].SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, Reused));
        Assert.All(run.TrackedSteps[GrainCodeGenerator.ClassesStep].SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, Reused));
        Assert.All(run.TrackedSteps[GrainCodeGenerator.RegistrationStep].SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, Reused));
        var outputs = run.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_a_method_body_in_a_grain_class_reuses_every_cached_output()
    {
        var (second, _) = RunTwice(compilation =>
        {
            var tree = compilation.SyntaxTrees.First();
            var edited = tree.WithChangedText(tree.GetText().Replace(
                tree.GetText().ToString().IndexOf("_ = clock.GetUtcNow();", StringComparison.Ordinal),
                "_ = clock.GetUtcNow();".Length,
                "_ = clock.GetTimestamp();"));
            return compilation.ReplaceSyntaxTree(tree, edited);
        });

        var outputs = second.GetRunResult().Results.Single().TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs);
        Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Adding_a_grain_method_regenerates_that_proxy_and_the_registration_only()
    {
        var (second, output) = RunTwice(compilation =>
        {
            var tree = compilation.SyntaxTrees.First();
            var text = tree.GetText().ToString();
            var edited = text.Replace("Task ResetAsync();", "Task ResetAsync();\n\n    Task<long> PeekAsync();", StringComparison.Ordinal);
            return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited)));
        });

        var interfaceSteps = second.GetRunResult().Results.Single().TrackedSteps[GrainCodeGenerator.InterfacesStep]
            .SelectMany(s => s.Outputs)
            .ToList();
        Assert.Single(interfaceSteps, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("PeekAsync", second.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("IShardCounterGrain.g.cs", StringComparison.Ordinal)).ToString(), StringComparison.Ordinal);
        Assert.Contains("Sample.Orders.IShardCounterGrain.PeekAsync()", second.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("GrainCodeProvider.g.cs", StringComparison.Ordinal)).ToString(), StringComparison.Ordinal);

        // The edit breaks ShardCounterGrain (it does not implement PeekAsync); everything else still compiles.
        Assert.All(output.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.Equal("CS0535", d.Id));
    }

    private static readonly IncrementalStepRunReason[] Reused = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];

    private static (GeneratorDriver Second, Compilation Output) RunTwice(Func<Compilation, Compilation> edit)
    {
        var compilation = GeneratorHarness.Compile(Samples.Orders, Samples.Billing);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var second = driver.RunGeneratorsAndUpdateCompilation(edit(compilation), out var output, out _);
        return (second, output);
    }
}
