using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>
/// The cluster of <c>tests/scripts/cluster.sh</c>: real node processes, a throwaway PostgreSQL and nginx on loopback.
/// Every operation goes through the script, as an operator's would; signals go straight to the node's process.
/// </summary>
public sealed class Topology
{
    public const string AdminLogin = "admin";

    private Topology(string stateDirectory, int portOffset)
    {
        StateDirectory = stateDirectory;
        PortOffset = portOffset;
        AdminPassword = $"admin-{Guid.NewGuid():N}";
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string Script => Path.Combine(RepositoryRoot, "tests", "scripts", "cluster.sh");

    public string StateDirectory { get; }

    public int PortOffset { get; }

    public string AdminPassword { get; }

    public Uri Nginx => new($"http://127.0.0.1:{8080 + PortOffset}/");

    public static IReadOnlyList<string> Silos { get; } = ["silo1", "silo2", "silo3"];

    public static IReadOnlyList<string> Nodes { get; } = [.. Silos, "frontend1"];

    public string ConnectionString => $"Host=127.0.0.1;Port={55432 + PortOffset};Username=postgres;Database=orleans_delivery";

    public Uri NodeUrl(string node) => new($"http://127.0.0.1:{HttpPort(node) + PortOffset}/");

    public int SiloPort(string silo) => silo switch
    {
        "silo1" => 11111,
        "silo2" => 11112,
        "silo3" => 11113,
        _ => throw new ArgumentException($"{silo} is not a silo", nameof(silo)),
    } + PortOffset;

    /// <summary>A state directory of its own and ports apart from a cluster someone may run by hand.</summary>
    public static Topology Create()
    {
        var offset = int.TryParse(Environment.GetEnvironmentVariable("OD_TEST_PORT_OFFSET"), CultureInfo.InvariantCulture, out var configured) ? configured : 300;
        return new Topology(Path.Combine(Path.GetTempPath(), $"od-cluster-tests-{Guid.NewGuid():N}"[..30]), offset);
    }

    public Task StartAsync(CancellationToken cancellationToken) => RunScriptAsync(cancellationToken, "start");

    public Task StopAsync(CancellationToken cancellationToken) => RunScriptAsync(cancellationToken, "stop");

    /// <summary>Starts a node that stopped or was killed, and waits until it is ready.</summary>
    public Task StartNodeAsync(string node, CancellationToken cancellationToken) => RunScriptAsync(cancellationToken, "start-node", node);

    /// <summary>SIGTERM, then waits until the node has handed its grains over and exited.</summary>
    public Task StopNodeAsync(string node, CancellationToken cancellationToken) => RunScriptAsync(cancellationToken, "stop-node", node);

    /// <summary>
    /// Brings back whatever an earlier test left down (a test that fails never reaches its own restart): every node
    /// running and awake, and every silo Active in the membership table.
    /// </summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var node in Nodes)
        {
            if (File.Exists(PidFile(node)) && IsRunning(PidOf(node)))
            {
                // A node left frozen wakes; if it was declared dead meanwhile, it stops itself and is started below.
                await SignalAsync(node, "CONT", cancellationToken);
            }
        }

        foreach (var node in Nodes)
        {
            if (Silos.Contains(node) && await MembershipStatusAsync(node, cancellationToken) == "Dead" && File.Exists(PidFile(node)))
            {
                var pid = PidOf(node);
                await Wait.UntilAsync(() => Task.FromResult(IsRunning(pid)), running => !running, TimeSpan.FromSeconds(90), $"{node}, declared dead, to stop itself");
            }

            if (!File.Exists(PidFile(node)) || !IsRunning(PidOf(node)))
            {
                await StartNodeAsync(node, cancellationToken);
            }
        }

        foreach (var silo in Silos)
        {
            await Wait.UntilAsync(() => MembershipStatusAsync(silo, cancellationToken), status => status == "Active", TimeSpan.FromSeconds(90), $"{silo} to be Active");
        }
    }

    public int PidOf(string node) =>
        int.Parse(File.ReadAllText(PidFile(node)).Trim(), CultureInfo.InvariantCulture);

    private string PidFile(string node) => Path.Combine(StateDirectory, "pids", $"{node}.pid");

    public static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Sends a signal (KILL, STOP, CONT, TERM) to a node's process.</summary>
    public async Task SignalAsync(string node, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, PidOf(node).ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync(cancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>What the membership table says of the newest incarnation of a silo: Active, Dead, ShuttingDown...</summary>
    public async Task<string?> MembershipStatusAsync(string silo, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT status_name FROM orleans_membership WHERE port = $1 ORDER BY generation DESC LIMIT 1", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SiloPort(silo) });
        return (string?)await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>The nodes run the Release build of the host; rebuilt here when a source file is newer than it.</summary>
    public async Task BuildHostIfStaleAsync(CancellationToken cancellationToken)
    {
        var host = new FileInfo(Path.Combine(RepositoryRoot, "src", "OrleansDelivery.Host", "bin", "Release", "net10.0", "OrleansDelivery.Host.dll"));
        var newestSource = new[] { "*.cs", "*.csproj", "*.json", "*.sql", "*.js" }
            .SelectMany(pattern => Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), pattern, SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains("node_modules", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        if (host.Exists && host.LastWriteTimeUtc >= newestSource)
        {
            return;
        }

        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", Path.Combine(RepositoryRoot, "src", "OrleansDelivery.Host")])
        {
            RedirectStandardOutput = true,
        })!;
        var output = await build.StandardOutput.ReadToEndAsync(cancellationToken);
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"The Release build of the host failed:{Environment.NewLine}{output}");
        }
    }

    public string LogOf(string node) => Path.Combine(StateDirectory, "logs", $"{node}.log");

    private static int HttpPort(string node) => node switch
    {
        "silo1" => 5081,
        "silo2" => 5082,
        "silo3" => 5083,
        "frontend1" => 5084,
        _ => throw new ArgumentException($"unknown node {node}", nameof(node)),
    };

    private async Task RunScriptAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Script, .. arguments, "--state-dir", StateDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        start.Environment["OD_PORT_OFFSET"] = PortOffset.ToString(CultureInfo.InvariantCulture);
        // Sign-up reads its code from the development mailbox, which the Testing environment serves.
        start.Environment["OD_ENVIRONMENT"] = "Testing";
        start.Environment["OD_ADMIN_PASSWORD"] = AdminPassword;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var log = TestContext.Current.TestOutputHelper;
        log?.WriteLine($"$ cluster.sh {string.Join(' ', arguments)}{Environment.NewLine}{await output}{await error}");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "OrleansDelivery.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No OrleansDelivery.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>One topology for every test of the collection: starting it costs half a minute on two cores.</summary>
public sealed class TopologyFixture : IAsyncLifetime
{
    public Topology Topology { get; } = Topology.Create();

    public async ValueTask InitializeAsync()
    {
        await Topology.BuildHostIfStaleAsync(CancellationToken.None);
        await Topology.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await Topology.StopAsync(CancellationToken.None);
        // The logs stay for whoever reads a failure; the database goes.
        try
        {
            Directory.Delete(Path.Combine(Topology.StateDirectory, "postgres"), recursive: true);
        }
        catch (IOException)
        {
            // PostgreSQL's files belong to another user when tests run as root; /tmp is cleaned anyway.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TopologyCollection : ICollectionFixture<TopologyFixture>
{
    public const string Name = "The cluster of cluster.sh";
}
