namespace OrleansDelivery.Benchmarks.Calls;

public interface IAdderGrain : IGrainWithIntegerKey
{
    Task<int> AddOneAsync(int value);

    /// <summary>The silo this activation lives on, so the benchmark can show where its calls went.</summary>
    Task<SiloAddress> SiloAsync();
}

/// <summary>The cheapest useful grain call: an argument in, a result out, no state.</summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class AdderGrain(ILocalSiloDetails silo) : Grain, IAdderGrain
{
    public Task<int> AddOneAsync(int value) => Task.FromResult(value + 1);

    public Task<SiloAddress> SiloAsync() => Task.FromResult(silo.SiloAddress);
}
