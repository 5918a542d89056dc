using Microsoft.CodeAnalysis;
using Xunit;

namespace OrleansDelivery.Runtime.CodeGenerator.Tests;

public sealed class DiagnosticTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using OrleansDelivery.Runtime;

        namespace Sample;

        """;

    public static TheoryData<string, string, string[]> Cases => new()
    {
        {
            "ODG001",
            "public interface IFoo : IGrainWithStringKey { int Get(); }",
            ["'Sample.IFoo.Get'", "returns 'int'"]
        },
        {
            "ODG001",
            "public interface IFoo : IGrainWithStringKey { void Fire(); }",
            ["'Sample.IFoo.Fire'", "returns 'void'"]
        },
        {
            "ODG002",
            "public interface IRepository<T> : IGrainWithStringKey { Task SaveAsync(); }",
            ["'Sample.IRepository<T>'", "generic"]
        },
        {
            "ODG003",
            "public interface IFoo : IGrainWithStringKey { Task<T> GetAsync<T>(); }",
            ["'Sample.IFoo.GetAsync'", "generic"]
        },
        {
            "ODG004",
            "public interface IFoo : IGrainWithStringKey { Task SwapAsync(ref int value); }",
            ["'Sample.IFoo.SwapAsync'", "'value'", "(ref)"]
        },
        {
            "ODG004",
            "public interface IFoo : IGrainWithStringKey { Task TryAsync(out int value); }",
            ["'Sample.IFoo.TryAsync'", "'value'", "(out)"]
        },
        {
            "ODG004",
            "public interface IFoo : IGrainWithStringKey { Task ReadAsync(in Guid value); }",
            ["'Sample.IFoo.ReadAsync'", "'value'", "(in)"]
        },
        {
            "ODG005",
            "public interface IFoo : IGrainWithStringKey { string Name { get; } }",
            ["'Sample.IFoo'", "property 'Name'"]
        },
        {
            "ODG005",
            "public interface IFoo : IGrainWithStringKey { event EventHandler Changed; }",
            ["'Sample.IFoo'", "event 'Changed'"]
        },
        {
            "ODG006",
            "public interface IFoo : IGrain { Task PokeAsync(); }",
            ["'Sample.IFoo'", "none of IGrainWithStringKey, IGrainWithGuidKey or IGrainWithIntegerKey"]
        },
        {
            "ODG007",
            "public interface IFoo : IGrainWithStringKey, IGrainWithGuidKey { Task PokeAsync(); }",
            ["'Sample.IFoo'", "IGrainWithStringKey, IGrainWithGuidKey"]
        },
        {
            "ODG008",
            """
            public interface IByName : IGrainWithStringKey { Task AAsync(); }
            public interface IById : IGrainWithGuidKey { Task BAsync(); }
            public sealed class Both : Grain, IByName, IById
            {
                public Task AAsync() => Task.CompletedTask;
                public Task BAsync() => Task.CompletedTask;
            }
            """,
            ["'Sample.Both'", "key type does not match", "Sample.IByName has a String key", "Sample.IById has a Guid key"]
        },
        {
            "ODG009",
            """
            public interface IFoo : IGrainWithStringKey { Task PokeAsync(); }
            public sealed class FooGrain : Grain, IFoo
            {
                public FooGrain() { }
                public FooGrain(TimeProvider clock) { _ = clock; }
                public Task PokeAsync() => Task.CompletedTask;
            }
            """,
            ["'Sample.FooGrain'", "2 public constructors"]
        },
        {
            "ODG010",
            """
            public interface IFoo : IGrainWithStringKey { Task PokeAsync(); }
            public sealed class FooGrain([PersistentState("state")] string state) : Grain, IFoo
            {
                public Task PokeAsync() => Task.FromResult(state);
            }
            """,
            ["'Sample.FooGrain'", "'state'", "'string'", "IPersistentState<T>"]
        },
        {
            "ODG013",
            """
            public sealed class Balance(decimal amount) { public decimal Amount { get; } = amount; }
            public interface IFoo : IGrainWithStringKey { Task PokeAsync(); }
            public sealed class FooGrain([PersistentState("balance")] IPersistentState<Balance> balance) : Grain, IFoo
            {
                public Task PokeAsync() => Task.FromResult(balance.State);
            }
            """,
            ["'Sample.FooGrain'", "'balance'", "'Sample.Balance'", "public parameterless constructor"]
        },
        {
            "ODG014",
            """
            public interface IFoo : IGrainWithStringKey { Task PokeAsync(); }
            public sealed class FooGrain<T> : Grain, IFoo
            {
                public Task PokeAsync() => Task.CompletedTask;
            }
            """,
            ["'Sample.FooGrain<T>'", "generic"]
        },
        {
            "ODG015",
            "public static class Outer { private interface IHidden : IGrainWithStringKey { Task PokeAsync(); } }",
            ["'Sample.Outer.IHidden'", "private", "public or internal"]
        },
        {
            "ODG015",
            """
            public interface IFoo : IGrainWithStringKey { Task PokeAsync(); }
            public class Outer
            {
                protected sealed class FooGrain : Grain, IFoo
                {
                    public Task PokeAsync() => Task.CompletedTask;
                }
            }
            """,
            ["'Sample.Outer.FooGrain'", "protected", "public or internal"]
        },
        {
            "ODG012",
            "public interface IFoo : IGrainWithStringKey { Task<object> GetAsync(); }",
            ["'Sample.IFoo.GetAsync'", "'object'", "concrete type"]
        },
        {
            "ODG012",
            "public interface IFoo : IGrainWithStringKey { ValueTask<(int Count, string Name)> GetAsync(); }",
            ["'Sample.IFoo.GetAsync'", "tuple", "use a record"]
        },
        Unserializable("object value", "'object'", "concrete type"),
        Unserializable("dynamic value", "'dynamic'", "concrete type"),
        Unserializable("Action callback", "'System.Action'", "delegates"),
        Unserializable("Task pending", "'System.Threading.Tasks.Task'", "tasks cannot be serialized"),
        Unserializable("Stream body", "'System.IO.Stream'", "streams cannot be serialized"),
        Unserializable("MemoryStream body", "'System.IO.MemoryStream'", "streams cannot be serialized"),
        Unserializable("CancellationToken cancellationToken", "'System.Threading.CancellationToken'", "the call timeout applies; CancellationToken parameters are not supported"),
        Unserializable("int* pointer", "'int*'", "pointers"),
        Unserializable("IntPtr handle", "'nint'", "native pointers"),
        Unserializable("Type type", "'System.Type'", "send a name"),
        Unserializable("InvalidOperationException error", "'System.InvalidOperationException'", "exceptions cannot be serialized"),
        Unserializable("IDisposable resource", "'System.IDisposable'", "interfaces cannot be deserialized"),
        Unserializable("Shape shape", "'Sample.Shape'", "abstract classes"),
        Unserializable("IOther other", "'Sample.IOther'", "grain references as arguments are not supported yet"),
        Unserializable("Envelope envelope", "'System.IO.Stream' (property Sample.Envelope.Body", "streams cannot be serialized"),
        Unserializable("List<Shape> shapes", "'Sample.Shape' (element of System.Collections.Generic.List<Sample.Shape>", "abstract classes"),
        Unserializable("Dictionary<Envelope, int> byEnvelope", "'Sample.Envelope' (key of", "dictionary keys"),
        Unserializable("int[,] grid", "'int[*,*]'", "multi-dimensional"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_unsupported_contract_is_a_build_error_that_names_it(string id, string source, string[] messageParts)
    {
        var result = GeneratorHarness.Run(Usings + source + Helpers);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var part in messageParts)
        {
            Assert.Contains(part, message, StringComparison.Ordinal);
        }

        Assert.Equal("Sample0.cs", diagnostic.Location.GetLineSpan().Path);
    }

    [Fact]
    public void A_broken_interface_gets_no_proxy_so_the_only_errors_are_the_generators()
    {
        var result = GeneratorHarness.Run(Usings + "public interface IFoo : IGrainWithStringKey { int Get(); Task OkAsync(); }" + Helpers);

        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains("IFoo", StringComparison.Ordinal));
        Assert.Empty(result.CompilationProblems);
    }

    [Fact]
    public void A_problem_in_a_base_grain_interface_is_reported_once_on_the_base()
    {
        var result = GeneratorHarness.Run(Usings + """
            public interface IBase : IGrainWithStringKey { Task SendAsync(Stream body); }
            public interface IDerived : IBase { Task OtherAsync(); }
            """ + Helpers);

        var diagnostic = Assert.Single(result.GeneratorDiagnostics);
        Assert.Equal("ODG011", diagnostic.Id);
        Assert.Contains("'Sample.IBase.SendAsync'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains("IDerived", StringComparison.Ordinal));
    }

    [Fact]
    public void A_serializable_contract_reports_nothing()
    {
        // The negative control of the theory above: the same helpers, used only in allowed ways.
        var result = GeneratorHarness.Run(Usings + """
            public interface IFoo : IGrainWithStringKey
            {
                Task SendAsync(Dictionary<Guid, int[]> counts, IReadOnlyList<Uri> links, DateOnly day, TimeOnly time, decimal? amount, Kind kind);
            }
            public enum Kind { A, B }
            """ + Helpers);

        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilationProblems);
    }

    private static (string, string, string[]) Unserializable(string parameter, string typePart, string reasonPart) =>
        ("ODG011", $"public unsafe interface IFoo : IGrainWithStringKey {{ Task SendAsync({parameter}); }}", ["'Sample.IFoo.SendAsync'", $"parameter '{parameter.Split(' ')[^1]}'", typePart, reasonPart]);

    private const string Helpers = """

        public abstract class Shape { public double Area { get; set; } }
        public interface IOther : IGrainWithStringKey { Task PingAsync(); }
        public sealed record Envelope(string To, Stream Body);
        """;
}
