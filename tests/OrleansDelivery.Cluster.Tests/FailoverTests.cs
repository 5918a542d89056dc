using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>
/// Failures of real node processes under load, through nginx: a silo killed, a silo frozen, every node restarted in
/// turn. Each test leaves the four nodes running for the next one.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class FailoverTests(TopologyFixture fixture) : IAsyncLifetime
{
    /// <summary>Each test starts from the whole topology, whatever the one before it left behind.</summary>
    public async ValueTask InitializeAsync() => await fixture.Topology.RestoreAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private const int Customers = 6;

    private static readonly TimeSpan DeathCap = TimeSpan.FromSeconds(60);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private Topology Topology => fixture.Topology;

    private static ITestOutputHelper Log => TestContext.Current.TestOutputHelper!;

    [Fact]
    public async Task A_silo_paused_for_two_seconds_stays_a_member()
    {
        await Topology.SignalAsync("silo3", "STOP", Cancellation);
        // The pause itself is what is tested: a long GC or a slow disk, shorter than the membership's probes allow.
        await Task.Delay(TimeSpan.FromSeconds(2), Cancellation);
        await Topology.SignalAsync("silo3", "CONT", Cancellation);

        // Votes against it would be cast within NumMissedProbesLimit x ProbeTimeout (3 x 2 s) of the pause's start;
        // look for twice that long, so a late vote still shows.
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(12))
        {
            Assert.Equal("Active", await Topology.MembershipStatusAsync("silo3", Cancellation));
            await Task.Delay(500, Cancellation);
        }

        Assert.True(Topology.IsRunning(Topology.PidOf("silo3")));
        using var http = new HttpClient { BaseAddress = Topology.NodeUrl("silo1") };
        var health = JsonDocument.Parse(await http.GetStringAsync("/health", Cancellation)).RootElement;
        Assert.Equal(3, health.GetProperty("activeSilos").GetInt32());
    }

    [Fact]
    public async Task A_silo_killed_under_load_loses_no_acknowledged_order_and_its_tracking_clients_catch_up_through_nginx()
    {
        // Two customers track their orders through the node about to die; the others through nginx.
        await using var load = await Load.PrepareAsync(Topology, Customers, ["silo2", "silo2"], Cancellation);
        load.Start();
        await load.WaitForMoreOrdersAsync(15, "orders before the kill");

        var pid = Topology.PidOf("silo2");
        await Topology.SignalAsync("silo2", "KILL", Cancellation);
        var declared = await DeclaredDeadAsync("silo2");
        Log.WriteLine($"silo2 (pid {pid}) killed with SIGKILL: declared dead in the membership table after {declared.TotalSeconds:0.0} s");

        await load.WaitForMoreOrdersAsync(15, "orders after the kill");
        // A client notices a closed connection, then reconnects after SignalR's back-off: give it that time before the
        // load (and its watchers) stop, rather than judging a reconnect still under way.
        await Wait.UntilAsync(
            () => Task.FromResult(load.Watchers.Take(2).All(watcher => watcher.Reconnects >= 1)),
            reconnected => reconnected,
            TimeSpan.FromSeconds(60),
            "the tracking clients of the dead node to reconnect");
        await load.StopAsync();
        await load.VerifyAsync(Cancellation);
        Assert.All(load.Watchers.Take(2), watcher => Assert.True(watcher.Reconnects >= 1, "a tracking client of the dead node did not reconnect"));

        await Topology.StartNodeAsync("silo2", Cancellation);
    }

    [Fact]
    public async Task A_silo_frozen_under_load_is_declared_dead_stops_when_it_wakes_and_loses_no_acknowledged_order()
    {
        await using var load = await Load.PrepareAsync(Topology, Customers, ["silo3", "silo3"], Cancellation);
        load.Start();
        await load.WaitForMoreOrdersAsync(15, "orders before the freeze");

        var pid = Topology.PidOf("silo3");
        await Topology.SignalAsync("silo3", "STOP", Cancellation);
        var declared = await DeclaredDeadAsync("silo3");
        Log.WriteLine($"silo3 (pid {pid}) frozen with SIGSTOP: declared dead in the membership table after {declared.TotalSeconds:0.0} s");

        // Woken after its death: it must find itself dead and stop, never serve again as a zombie.
        await Topology.SignalAsync("silo3", "CONT", Cancellation);
        var woken = Stopwatch.StartNew();
        await Wait.UntilAsync(() => Task.FromResult(Topology.IsRunning(pid)), running => !running, TimeSpan.FromSeconds(90), "the woken silo to stop itself");
        Log.WriteLine($"silo3 stopped itself {woken.Elapsed.TotalSeconds:0.0} s after SIGCONT");

        await load.WaitForMoreOrdersAsync(15, "orders after the freeze");
        // A client notices a closed connection, then reconnects after SignalR's back-off: give it that time before the
        // load (and its watchers) stop, rather than judging a reconnect still under way.
        await Wait.UntilAsync(
            () => Task.FromResult(load.Watchers.Take(2).All(watcher => watcher.Reconnects >= 1)),
            reconnected => reconnected,
            TimeSpan.FromSeconds(60),
            "the tracking clients of the frozen node to reconnect");
        await load.StopAsync();
        await load.VerifyAsync(Cancellation);
        Assert.All(load.Watchers.Take(2), watcher => Assert.True(watcher.Reconnects >= 1, "a tracking client of the frozen node did not reconnect"));

        await Topology.StartNodeAsync("silo3", Cancellation);
    }

    [Fact]
    public async Task A_rolling_restart_of_every_node_under_load_loses_no_order_and_answers_nothing_but_503_with_retry_after()
    {
        await using var load = await Load.PrepareAsync(Topology, Customers, ["frontend1", "silo1"], Cancellation);
        load.Start();
        await load.WaitForMoreOrdersAsync(10, "orders before the restarts");

        foreach (var node in Topology.Nodes)
        {
            var watch = Stopwatch.StartNew();
            await Topology.StopNodeAsync(node, Cancellation);
            var stopped = watch.Elapsed;
            await Topology.StartNodeAsync(node, Cancellation);
            Log.WriteLine($"{node}: stopped gracefully in {stopped.TotalSeconds:0.0} s, ready again {(watch.Elapsed - stopped).TotalSeconds:0.0} s later");
            await load.WaitForMoreOrdersAsync(5, $"orders after restarting {node}");
        }

        await load.StopAsync();
        await load.VerifyAsync(Cancellation);
        // A staff move replayed after a 503 may find its first attempt applied: its 409 is the answer to a duplicate.
        // The scarce dish selling out is the load's design, not an error. Each node's stop and start makes the health
        // gate reload nginx, which closes its idle kept-alive client connections: a request sent on one at that instant
        // is reset unanswered (HTTP/1.1 allows it; browsers replay it, and so does the load). Nothing else may go
        // unanswered: a node's failure must reach the client as a 503.
        Assert.All(load.Failures, failure => Assert.True(
            failure is { Status: 503, RetryAfter: true } or { Status: 409, Retried: true } or { Status: 0, ConnectionClosed: true }
                || (failure is { Status: 409, Request: "POST /api/orders" } && failure.Detail.Contains("in stock", StringComparison.Ordinal)),
            $"{failure.Request} answered {failure.Status}{(failure.RetryAfter ? "" : " without Retry-After")}: {failure.Detail}"));

        // Every silo was stopped once, so every grain was deactivated and handed over with its state written: read
        // back through the silos that took over, every acknowledged order is there (the load's checks above).
        using var staff = await Shop.SignInAsync(Topology.Nginx, new(), Topology.AdminLogin, Topology.AdminPassword, Cancellation);
        foreach (var order in load.Orders)
        {
            var onBoard = await staff.SendAsync(HttpMethod.Get, $"/api/staff/orders/{order.Id}", null, HttpStatusCode.OK, Cancellation);
            Assert.NotNull(onBoard);
        }

        // The order board is a write-behind projection: its last flush refused because a new activation wrote first
        // can leave it a step behind until the order changes again (docs/architecture.md, known limits). Reported.
        var board = await staff.SendAsync(HttpMethod.Get, "/api/staff/orders?pageSize=100&status=ReadyForDelivery", null, HttpStatusCode.OK, Cancellation);
        var ready = load.Orders.Count(order => order.Status == "ReadyForDelivery");
        Log.WriteLine($"the order board lists {board!.Value.GetProperty("total")} orders ready, the load acknowledged {ready}");
    }

    /// <summary>The time from now until the membership table shows the silo dead (polled every 100 ms).</summary>
    private async Task<TimeSpan> DeclaredDeadAsync(string silo)
    {
        var watch = Stopwatch.StartNew();
        while (await Topology.MembershipStatusAsync(silo, Cancellation) != "Dead")
        {
            if (watch.Elapsed > DeathCap)
            {
                throw new TimeoutException($"{silo} was not declared dead within {DeathCap.TotalSeconds:0} s.");
            }

            await Task.Delay(100, Cancellation);
        }

        return watch.Elapsed;
    }
}
