using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>
/// deploy/nginx/health-gate.sh, the active health check in front of nginx, run as cluster.sh and the nginx image run
/// it, against nodes that answer /health/ready with 200, with 503, or not at all.
/// </summary>
public sealed class HealthGateTests : IDisposable
{
    private static readonly string Gate = Path.Combine(Topology.RepositoryRoot, "deploy", "nginx", "health-gate.sh");

    private readonly string _nodesFile = Path.Combine(Path.GetTempPath(), $"od-nodes-{Guid.NewGuid():N}.conf");
    private readonly List<HttpListener> _listeners = [];

    [Fact]
    public async Task Nodes_that_are_not_ready_are_marked_down_and_the_ready_ones_kept()
    {
        var ready = Node(HttpStatusCode.OK);
        var unready = Node(HttpStatusCode.ServiceUnavailable);
        var gone = ClosedPort();

        await RunOnceAsync(("OD_NODE_SILO1", ready), ("OD_NODE_SILO2", unready), ("OD_NODE_SILO3", gone));

        Assert.Equal(
            [
                $"server {ready} max_fails=1 fail_timeout=5s;",
                $"server {unready} down;",
                $"server {gone} down;",
            ],
            ServerLines());
    }

    [Fact]
    public async Task When_no_node_is_ready_none_is_marked_down()
    {
        var unready = Node(HttpStatusCode.ServiceUnavailable);
        var gone = ClosedPort();

        await RunOnceAsync(("OD_NODE_SILO1", unready), ("OD_NODE_FRONTEND1", gone));

        // Sorted by variable name, as the gate reads them; both kept, so each node answers for itself.
        Assert.Equal([$"server {gone} max_fails=1 fail_timeout=5s;", $"server {unready} max_fails=1 fail_timeout=5s;"], ServerLines());
    }

    public void Dispose()
    {
        foreach (var listener in _listeners)
        {
            listener.Close();
        }

        File.Delete(_nodesFile);
    }

    private string[] ServerLines() => [.. File.ReadAllLines(_nodesFile).Where(line => line.StartsWith("server ", StringComparison.Ordinal))];

    private async Task RunOnceAsync(params (string Variable, string Address)[] nodes)
    {
        var start = new ProcessStartInfo("sh", [Gate, "once"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var key in start.Environment.Keys.Where(key => key.StartsWith("OD_NODE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (variable, address) in nodes)
        {
            start.Environment[variable] = address;
        }

        start.Environment["OD_NGINX_NODES_FILE"] = _nodesFile;
        using var gate = Process.Start(start)!;
        var error = gate.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await gate.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(gate.ExitCode == 0, $"health-gate.sh once failed ({gate.ExitCode}): {await error}");
    }

    /// <summary>A node whose readiness probe answers <paramref name="status"/>.</summary>
    private string Node(HttpStatusCode status)
    {
        var port = FreePort();
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _listeners.Add(listener);
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                context.Response.StatusCode = context.Request.Url?.AbsolutePath == "/health/ready" ? (int)status : 404;
                context.Response.Close();
            }
        });
        return $"127.0.0.1:{port}";
    }

    /// <summary>An address nothing listens on.</summary>
    private static string ClosedPort() => $"127.0.0.1:{FreePort()}";

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
