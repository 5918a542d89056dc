using System.Diagnostics.CodeAnalysis;

namespace OrleansDelivery.Benchmarks.Postgres;

/// <summary>A grain state handed straight to <see cref="Orleans.Storage.IGrainStorage"/>, which keeps its ETag between writes.</summary>
internal sealed class StateHolder : IGrainState<WriterState>
{
    [AllowNull]
    public WriterState State { get; set; } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
