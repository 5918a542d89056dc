namespace OrleansDelivery.Runtime.Postgres.Tests;

public sealed record CartState
{
    public List<string> Items { get; init; } = [];

    public string Note { get; init; } = "";
}

/// <summary>What an activation holds for one state: the provider fills and updates it.</summary>
public sealed class TestGrainState<TState> : IGrainState<TState>
    where TState : new()
{
    public TState State { get; set; } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
