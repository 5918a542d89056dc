namespace OrleansDelivery.Benchmarks.Calls;

public interface IAdderGrain : IGrainWithIntegerKey
{
    Task<int> AddOneAsync(int value);
}

/// <summary>The cheapest useful grain call: an argument in, a result out, no state.</summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class AdderGrain : Grain, IAdderGrain
{
    public Task<int> AddOneAsync(int value) => Task.FromResult(value + 1);
}
