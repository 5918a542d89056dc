using OrleansDelivery.Runtime;

namespace OrleansDelivery.Benchmarks.Runtime;

public interface IBenchGrain : IGrainWithIntegerKey
{
    ValueTask<int> AddOneAsync(int value);
}

/// <summary>
/// The cheapest possible grain: what is measured is the runtime, not the grain. ValueTask, so the grain's own
/// result allocates nothing, just as the baseline actor's does not.
/// </summary>
public sealed class BenchGrain : Grain, IBenchGrain
{
    public ValueTask<int> AddOneAsync(int value) => ValueTask.FromResult(value + 1);
}

public interface IEmptyGrain : IGrainWithIntegerKey
{
    Task TouchAsync();
}

/// <summary>No fields and no state: its memory is the activation's own.</summary>
public sealed class EmptyGrain : Grain, IEmptyGrain
{
    public Task TouchAsync() => Task.CompletedTask;
}
