using OrleansDelivery.Operations;

namespace OrleansDelivery.Grains.Operations;

/// <summary>Answers readiness probes; local to the caller's silo and without state, so a probe tests only the silo.</summary>
[StatelessWorker]
public sealed class HealthProbeGrain : Grain, IHealthProbeGrain
{
    public Task PingAsync() => Task.CompletedTask;
}
