using OrleansDelivery.Runtime.Testing;

namespace OrleansDelivery.Runtime.Tests;

/// <summary>One in-process silo per test class; tests use fresh grain keys so they never see each other's grains.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Not started.");

    public IGrainFactory Grains => Cluster.GrainFactory;

    public FakeTimeProvider Clock => Cluster.TimeProvider;

    public async ValueTask InitializeAsync() => _cluster = await InProcessTestCluster.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    public static string NewKey() => Guid.NewGuid().ToString("N");
}
