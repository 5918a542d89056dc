using OrleansDelivery.Runtime.Activation;
using OrleansDelivery.Runtime.Testing;
using OrleansDelivery.Runtime.Tests.Grains;

namespace OrleansDelivery.Runtime.Tests;

public sealed class SerializationAndRegistrationTests
{
    [Fact]
    public async Task With_SerializeLocalCalls_every_argument_and_result_crosses_as_json()
    {
        await using var cluster = await InProcessTestCluster.StartAsync(o => o.ConfigureOptions = silo => silo.SerializeLocalCalls = true);
        var echo = cluster.GrainFactory.GetGrain<IEchoGrain>(7);
        var sent = new OrderPlaced("order-1", 12.50m);

        var returned = await echo.EchoAsync(sent);

        Assert.Equal(sent, returned);
        Assert.NotSame(sent, EchoGrain.LastReceived);
        Assert.NotSame(sent, returned);
        Assert.Equal(6, await echo.SumAsync([1, 2, 3]));
        await echo.PingAsync();

        // Failures cross too, and deadlock detection still sees the chain.
        var a = ClusterFixture.NewKey();
        await Assert.ThrowsAsync<DeadlockException>(() => cluster.GrainFactory.GetGrain<IChainGrain>(a).RelayAsync([ClusterFixture.NewKey(), a]));
    }

    [Fact]
    public void An_interface_without_an_implementation_is_reported_at_start_up_naming_it()
    {
        var catalog = new GrainCodeCatalog();
        catalog.AddInterface(new GrainInterfaceDescriptor(typeof(IRemindable), GrainKeyKind.String, (_, _) => null!, new Dictionary<string, Func<GrainRequest>>()));

        var error = Assert.Throws<GrainRegistrationException>(() => new GrainTypeRegistry(catalog, TimeSpan.FromMinutes(15)));

        Assert.Contains("OrleansDelivery.Runtime.IRemindable has no implementation", error.Message);
    }

    [Fact]
    public void A_grain_class_whose_interfaces_have_different_key_types_is_reported_naming_it()
    {
        var catalog = new GrainCodeCatalog();
        catalog.AddClass(new GrainClassDescriptor(typeof(CounterGrain), [typeof(ICounterGrain), typeof(IOverlapProbeGrain)], _ => null!));

        var error = Assert.Throws<GrainRegistrationException>(() => new GrainTypeRegistry(catalog, TimeSpan.FromMinutes(15)));

        Assert.Contains(typeof(CounterGrain).FullName!, error.Message);
        Assert.Contains("different key types", error.Message);
    }

    [Fact]
    public void The_default_grain_type_name_is_the_class_name_without_Grain_in_lower_case()
    {
        Assert.Equal("counter", GrainTypeRegistry.DefaultGrainTypeName(typeof(CounterGrain)));
        Assert.Equal("audittrail", GrainTypeRegistry.DefaultGrainTypeName(typeof(AuditTrailGrain)));
    }
}
