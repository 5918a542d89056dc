using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so it is held to the topology that cluster.sh starts and
/// the multi-process tests prove: the same services, ports, environment and health checks.
/// </summary>
public sealed partial class ComposeTopologyTests
{
    // Where a container and a loopback process must differ: how they listen, find PostgreSQL and are addressed.
    private static readonly HashSet<string> DeploymentSpecific = ["Urls", "ConnectionStrings__Postgres", "Cluster__AdvertisedAddress", "Auth__Admin__Password"];

    private static readonly YamlMappingNode Compose = LoadCompose();

    private static YamlMappingNode Services => (YamlMappingNode)Compose["services"];

    [Fact]
    public async Task Compose_runs_the_scripts_nodes_plus_postgres_a_one_shot_migration_and_nginx()
    {
        var nodes = (await ScriptAsync("nodes")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(Topology.Nodes, nodes);
        Assert.Equal(
            ["frontend1", "migrate", "nginx", "postgres", "silo1", "silo2", "silo3"],
            Services.Children.Keys.Select(key => key.ToString()).Order(StringComparer.Ordinal));
        foreach (var node in nodes)
        {
            var build = (YamlMappingNode)Service(node)["build"];
            Assert.Equal("Dockerfile", build["dockerfile"].ToString());
        }
    }

    [Theory]
    [InlineData("silo1")]
    [InlineData("silo2")]
    [InlineData("silo3")]
    [InlineData("frontend1")]
    public async Task Each_node_has_the_scripts_environment_and_port(string node)
    {
        var script = Environment(await ScriptAsync("env", node));
        var compose = ((YamlMappingNode)Service(node)["environment"]).Children.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value.ToString());

        // The script adds ASPNETCORE_ENVIRONMENT only when asked (tests); compose runs in Production like the script's default.
        Assert.Equal(
            script.Keys.Order(StringComparer.Ordinal),
            compose.Keys.Where(key => key != "Cluster__AdvertisedAddress").Order(StringComparer.Ordinal));
        foreach (var (key, value) in script.Where(pair => !DeploymentSpecific.Contains(pair.Key)))
        {
            Assert.True(compose[key] == value, $"{node}: {key} is '{compose[key]}' in docker-compose.yml but '{value}' in cluster.sh");
        }

        var port = PortOf(script["Urls"]);
        Assert.Equal($"http://+:{port}", compose["Urls"]);
        Assert.Equal("false", compose["Cluster__MigrateOnStartup"]);
        Assert.Equal("Postgres", compose["Cluster__Mode"]);
        Assert.Contains("Host=postgres;Port=5432;Database=orleans_delivery;", compose["ConnectionStrings__Postgres"], StringComparison.Ordinal);
        Assert.Contains("Database=orleans_delivery", script["ConnectionStrings__Postgres"], StringComparison.Ordinal);
        Assert.Equal([$"{port}:{port}"], ((YamlSequenceNode)Service(node)["ports"]).Children.Select(p => p.ToString()));

        // Silos advertise their container address on the cluster network; a front-end has nothing to advertise.
        if (script["Cluster__Role"] == "Silo")
        {
            var address = compose["Cluster__AdvertisedAddress"];
            var network = (YamlMappingNode)((YamlMappingNode)Service(node)["networks"])["cluster"];
            Assert.Equal(address, network["ipv4_address"].ToString());
        }
        else
        {
            Assert.False(compose.ContainsKey("Cluster__AdvertisedAddress"));
        }

        // Healthy means ready, on the node's own port, as the script waits for it.
        var health = (YamlSequenceNode)((YamlMappingNode)Service(node)["healthcheck"])["test"];
        Assert.Equal($"http://localhost:{port}/health/ready", health.Children[^1].ToString());
        Assert.Contains("HEALTH_PATH=\"/health/ready\"", await File.ReadAllTextAsync(Topology.Script, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public void The_nodes_start_after_the_migration_and_only_one_of_them_seeds_the_demo_catalogue()
    {
        var migrate = Service("migrate");
        Assert.Contains("psql -v ON_ERROR_STOP=1", string.Join(' ', ((YamlSequenceNode)migrate["command"]).Children), StringComparison.Ordinal);
        Assert.Equal("./sql:/sql:ro", ((YamlSequenceNode)migrate["volumes"]).Children.Single().ToString());
        Assert.Equal("service_completed_successfully", ((YamlMappingNode)((YamlMappingNode)Service("silo1")["depends_on"])["migrate"])["condition"].ToString());

        var seeding = Topology.Nodes.Where(node => ((YamlMappingNode)Service(node)["environment"])["Catalog__SeedDemo"].ToString() == "true");
        Assert.Equal(["silo1"], seeding);
    }

    [Fact]
    public async Task Nginx_renders_the_scripts_template_and_gates_every_node_on_its_readiness()
    {
        var nginx = Service("nginx");
        var environment = ((YamlMappingNode)nginx["environment"]).Children.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value.ToString());
        var template = await File.ReadAllTextAsync(Path.Combine(Topology.RepositoryRoot, "deploy", "nginx", "orleans-delivery.conf.template"), TestContext.Current.CancellationToken);

        // The template as the script renders it, and the gate where the image's entrypoint runs it after the template.
        Assert.Equal(
            [
                "./deploy/nginx/orleans-delivery.conf.template:/etc/nginx/templates/orleans-delivery.conf.template:ro",
                "./deploy/nginx/health-gate.sh:/docker-entrypoint.d/40-od-health-gate.sh:ro",
            ],
            ((YamlSequenceNode)nginx["volumes"]).Children.Select(volume => volume.ToString()));
        Assert.Equal("8080", environment["OD_NGINX_PORT"]);
        Assert.Equal(["8080:8080"], ((YamlSequenceNode)nginx["ports"]).Children.Select(p => p.ToString()));
        foreach (var node in Topology.Nodes)
        {
            // The gate reads every OD_NODE_* variable: the script exports the same names with loopback addresses.
            var port = PortOf(Environment(await ScriptAsync("env", node))["Urls"]);
            Assert.Equal($"{node}:{port}", environment[$"OD_NODE_{node.ToUpperInvariant()}"]);
        }

        Assert.Equal(Topology.Nodes.Count, environment.Keys.Count(key => key.StartsWith("OD_NODE_", StringComparison.Ordinal)));
        // Both upstreams (API and hubs) take their servers from the file the gate writes.
        Assert.Equal(2, Regex.Matches(template, @"include \$\{OD_NGINX_NODES_FILE\};").Count);
        Assert.Equal(
            ["OD_NGINX_NODES_FILE", "OD_NGINX_PORT"],
            TemplateVariable().Matches(template).Select(match => match.Groups[1].Value).Distinct().Order(StringComparer.Ordinal));
        Assert.StartsWith("/etc/nginx/", environment["OD_NGINX_NODES_FILE"], StringComparison.Ordinal);
        Assert.Contains("proxy_set_header Upgrade $http_upgrade;", template, StringComparison.Ordinal);
        Assert.Contains("proxy_next_upstream error timeout", template, StringComparison.Ordinal);
    }

    /// <summary>A service with its YAML merge key (<c>&lt;&lt;: *node</c>) applied, as compose reads it.</summary>
    private static YamlMappingNode Service(string name)
    {
        var service = (YamlMappingNode)Services[name];
        var merged = new YamlMappingNode();
        if (service.Children.TryGetValue(new YamlScalarNode("<<"), out var shared))
        {
            foreach (var (key, value) in ((YamlMappingNode)shared).Children)
            {
                merged.Children[key] = value;
            }
        }

        foreach (var (key, value) in service.Children.Where(pair => pair.Key.ToString() != "<<"))
        {
            merged.Children[key] = value;
        }

        return merged;
    }

    private static Dictionary<string, string> Environment(string lines) =>
        lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);

    private static string PortOf(string url) => url[(url.LastIndexOf(':') + 1)..].TrimEnd('/');

    private static async Task<string> ScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Topology.Script, .. arguments]) { RedirectStandardOutput = true };
        // The defaults, as docker-compose.yml has them.
        start.Environment.Remove("OD_PORT_OFFSET");
        start.Environment.Remove("OD_ENVIRONMENT");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    private static YamlMappingNode LoadCompose()
    {
        using var reader = new StreamReader(Path.Combine(Topology.RepositoryRoot, "docker-compose.yml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\$\{(OD_[A-Z0-9_]+)\}")]
    private static partial Regex TemplateVariable();
}
