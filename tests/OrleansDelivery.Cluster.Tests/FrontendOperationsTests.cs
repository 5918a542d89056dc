using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>
/// Operations on the front-end node, which has no silo of its own: it is ready when a grain answers through a
/// gateway, and its Orleans Dashboard (read through the client) shows every silo of the cluster.
/// </summary>
[Collection(TopologyCollection.Name)]
public sealed class FrontendOperationsTests(TopologyFixture fixture) : IAsyncLifetime
{
    /// <summary>Each test starts from the whole topology, whatever the one before it left behind.</summary>
    public async ValueTask InitializeAsync() => await fixture.Topology.RestoreAsync(TestContext.Current.CancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(90);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_front_end_is_ready_through_a_gateway_and_its_dashboard_shows_every_silo_to_an_admin_only()
    {
        var topology = fixture.Topology;
        using var anonymous = new HttpClient { BaseAddress = topology.NodeUrl("frontend1") };

        // An earlier test may have left a silo restarting; readiness is asked until it answers.
        var ready = await Wait.UntilAsync(
            async () =>
            {
                using var response = await anonymous.GetAsync("/health/ready", Cancellation);
                return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation));
            },
            answer => answer.StatusCode == HttpStatusCode.OK,
            Cap,
            "the front-end to be ready");
        var checks = ready.Body.GetProperty("checks").EnumerateArray().Select(check => check.GetProperty("name").GetString()).ToList();
        using var refused = await anonymous.GetAsync("/dashboard/DashboardCounters", Cancellation);

        using var admin = new HttpClient { BaseAddress = topology.NodeUrl("frontend1") };
        using (var signIn = await admin.PostAsJsonAsync("/api/auth/signin", new { login = Topology.AdminLogin, password = topology.AdminPassword }, Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            var session = await signIn.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        }

        var counters = await Wait.UntilAsync(
            () => admin.GetFromJsonAsync<JsonElement>("/dashboard/DashboardCounters", Cancellation),
            body => body.GetProperty("hosts").EnumerateArray().Count(host => host.GetProperty("status").GetString() == "Active") == 3,
            Cap,
            "the front-end's dashboard to list the three active silos");

        Assert.Equal(["grain", "postgres"], checks.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(3, counters.GetProperty("totalActiveHostCount").GetInt32());
    }

    [Fact]
    public async Task Nginx_takes_a_node_that_is_not_ready_out_and_back_once_it_is()
    {
        var topology = fixture.Topology;
        var nodesFile = Path.Combine(topology.StateDirectory, "nginx", "od-nodes.conf");
        var frontend = $"server {topology.NodeUrl("frontend1").Authority}";
        Assert.Contains($"{frontend} max_fails=1", await File.ReadAllTextAsync(nodesFile, Cancellation), StringComparison.Ordinal);

        await topology.StopNodeAsync("frontend1", Cancellation);
        await Wait.UntilAsync(() => File.ReadAllTextAsync(nodesFile, Cancellation), text => text.Contains($"{frontend} down;", StringComparison.Ordinal), Cap, "the health gate to mark the stopped front-end down");
        // The others still serve through nginx meanwhile.
        using var http = new HttpClient { BaseAddress = topology.Nginx };
        for (var i = 0; i < 8; i++)
        {
            using var response = await http.GetAsync("/api/categories", Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await topology.StartNodeAsync("frontend1", Cancellation);
        await Wait.UntilAsync(() => File.ReadAllTextAsync(nodesFile, Cancellation), text => text.Contains($"{frontend} max_fails=1", StringComparison.Ordinal), Cap, "the health gate to take the ready front-end back");
    }
}
