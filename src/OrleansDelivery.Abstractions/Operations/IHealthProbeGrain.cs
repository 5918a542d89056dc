namespace OrleansDelivery.Operations;

/// <summary>What readiness calls to see that grains answer; a stateless worker, so each silo answers its own calls.</summary>
public interface IHealthProbeGrain : IGrainWithIntegerKey
{
    [ReadOnly]
    Task PingAsync();
}
