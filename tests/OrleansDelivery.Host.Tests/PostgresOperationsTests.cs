using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;
using OrleansDelivery.Testing.Postgres;

namespace OrleansDelivery.Host.Tests;

/// <summary>Operations on nodes in <c>Postgres</c> mode: readiness through an outage, the dashboard across silos, one trace per checkout.</summary>
public sealed class PostgresOperationsTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Report)> ReadinessAsync(DeliveryApplication node)
    {
        using var client = node.CreateClient();
        using var response = await client.GetAsync("/health/ready", Cancellation);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation));
    }

    private static string? CheckStatus(JsonElement report, string name) =>
        report.GetProperty("checks").EnumerateArray().FirstOrDefault(check => check.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } check
            ? check.GetProperty("status").GetString()
            : null;

    [Fact]
    public async Task Readiness_turns_unhealthy_naming_postgres_when_it_stops_and_healthy_when_it_returns()
    {
        await using var server = await PostgresTestServer.StartPrivateAsync(Cancellation);
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        await using var node = DeliveryApplication.OnPostgres(connectionString, "readiness").Start();
        await Wait.UntilAsync(() => ReadinessAsync(node), ready => ready.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the node to be ready");

        await server.StopAsync(Cancellation);
        var (downStatus, down) = await Wait.UntilAsync(
            () => ReadinessAsync(node), ready => ready.Status == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(60), "readiness to notice PostgreSQL is gone");
        using (var live = await node.CreateClient().GetAsync("/health/live", Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await server.StartAsync(Cancellation);
        var (upStatus, up) = await Wait.UntilAsync(
            () => ReadinessAsync(node), ready => ready.Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "readiness to see PostgreSQL back");

        Assert.Equal("Unhealthy", down.GetProperty("status").GetString());
        Assert.Equal(("Unhealthy", "Healthy", "Healthy"), (CheckStatus(down, "postgres"), CheckStatus(down, "silo"), CheckStatus(down, "grain")));
        Assert.Equal(HttpStatusCode.OK, upStatus);
        Assert.Equal("Healthy", CheckStatus(up, "postgres"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, downStatus);
    }

    [Fact]
    public async Task The_dashboard_on_either_node_shows_both_silos_of_the_cluster()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        DeliveryApplication Node()
        {
            var node = DeliveryApplication.OnPostgres(connectionString, "dashboard");
            node.Settings["Operations:DashboardKey"] = OperationsTests.OperatorKey;
            return node;
        }

        await using var first = Node().Start();
        await using var second = Node().Start();
        var addresses = new List<string>();
        foreach (var node in new[] { first, second })
        {
            var health = await Wait.UntilAsync(
                async () => (await node.GetHealthAsync()).Body, body => body.GetProperty("activeSilos").GetInt32() == 2, TimeSpan.FromSeconds(60), "a two-silo cluster");
            addresses.Add(health.GetProperty("siloAddress").GetString()!);
        }

        using var operatorClient = first.CreateClient();
        operatorClient.DefaultRequestHeaders.Add("X-Operator-Key", OperationsTests.OperatorKey);
        var counters = await Wait.UntilAsync(
            () => operatorClient.GetFromJsonAsync<JsonElement>("/dashboard/DashboardCounters", Cancellation),
            body => body.GetProperty("hosts").EnumerateArray().Count(host => host.GetProperty("status").GetString() == "Active") == 2,
            TimeSpan.FromSeconds(60),
            "the dashboard to list both active silos");

        var hosts = counters.GetProperty("hosts").EnumerateArray().Select(host => host.GetProperty("siloAddress").GetString()!).ToList();
        Assert.Equal(2, counters.GetProperty("totalActiveHostCount").GetInt32());
        // The same silos, though /health writes "S127.0.0.1:port:generation" and the dashboard "127.0.0.1:port@generation".
        Assert.Equal(
            addresses.Select(address => address.TrimStart('S')[..address.TrimStart('S').LastIndexOf(':')]).Order(StringComparer.Ordinal),
            hosts.Select(host => host[..host.IndexOf('@', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        foreach (var host in hosts)
        {
            // Each silo's own figures, gathered from that silo through the first node.
            using var stats = await operatorClient.GetAsync($"/dashboard/SiloStats/{Uri.EscapeDataString(host)}", Cancellation);
            Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        }
    }

    [Fact]
    public async Task One_checkout_is_one_trace_from_the_http_request_through_grain_calls_to_postgres()
    {
        var server = await PostgresTestServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync(Cancellation);
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "Npgsql" || source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var node = DeliveryApplication.OnPostgres(connectionString, "tracing");
        node.Settings["Catalog:SeedDemo"] = "true";
        await using (node.Start())
        {
            var (_, customer) = await node.SignedInCustomerAsync();
            using (customer)
            {
                var product = await DeliveryApplication.FindProductAsync(customer, "Margherita");
                (await customer.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity = 1 }, Cancellation)).Dispose();
                using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
                {
                    Content = JsonContent.Create(new { deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery" }),
                };
                checkout.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
                using var placed = await customer.SendAsync(checkout, Cancellation);
                Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            }

            var sources = await Wait.UntilAsync(
                () => Task.FromResult(spans.Select(span => span.Source.Name).ToHashSet()),
                names => names.Contains("Microsoft.AspNetCore") && names.Contains("Npgsql") && names.Any(name => name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30),
                "spans from HTTP, grain calls and PostgreSQL in the checkout's trace");

            var request = Assert.Single(spans, span => span.Source.Name == "Microsoft.AspNetCore");
            Assert.Contains(spans, span => span.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && span.DisplayName.Contains("IOrderGrain", StringComparison.Ordinal));
            Assert.Contains(spans, span => span.Source.Name == "Npgsql" && span.ParentSpanId != default);
            Assert.All(spans.Where(span => span != request), span => Assert.NotEqual(default, span.ParentSpanId));
            Assert.Contains("Npgsql", sources);
        }
    }
}
