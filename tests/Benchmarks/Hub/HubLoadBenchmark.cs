using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansDelivery.Benchmarks.Hub;

/// <summary>
/// Live tracking under load: one node (its own process, in-memory mode) holds 5,000 WebSocket connections from this
/// process, each watching one of 1,000 orders; staff then move every order on, and each connection notes how long
/// after the order grain stamped the change the push arrived. Beside it, the same load against bare Kestrel and
/// SignalR (<see cref="PushBaselineServer"/>). Both servers run with workstation GC; memory is resident memory.
/// </summary>
internal static partial class HubLoadBenchmark
{
    public const int Connections = 5_000;
    public const int Orders = 1_000;
    private const int Rounds = 2;

    /// <summary>
    /// Status changes per second: a busy kitchen's pace rather than all at once, so the figure is the latency of a push,
    /// not of a queue of 5,000 (a burst saturates the two cores for the bare SignalR baseline just the same).
    /// </summary>
    private const double ChangesPerSecond = 200;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task RunAsync()
    {
        Console.WriteLine($"Hub: {Connections} connections watching {Orders} orders on one node, load client in this process, {Rounds} status changes per order at {ChangesPerSecond}/s ({ChangesPerSecond * Connections / Orders} pushes/s)");
        var node = await MeasureNodeAsync();
        var baseline = await MeasureBaselineAsync();
        Report.Line("push latency p50 (ms)", F(node.P50), F(baseline.P50), "");
        Report.Line("push latency p99 (ms)", F(node.P99), F(baseline.P99), Report.Target(node.P99 < 100, "p99 < 100 ms"));
        Report.Line("push latency max (ms)", F(node.Max), F(baseline.Max), "");
        Report.Line("pushes received / expected", $"{node.Received}/{node.Expected}", $"{baseline.Received}/{baseline.Expected}", node.Received == node.Expected ? "none lost" : "LOST");
        Report.Line("memory per idle connection (KiB)", F(node.BytesPerConnection / 1024), F(baseline.BytesPerConnection / 1024), "resident memory");
    }

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static async Task<Figures> MeasureNodeAsync()
    {
        var port = ChildProcess.FreePort();
        var password = $"bench-{Guid.NewGuid():N}";
        await using var host = await ChildProcess.StartAsync(
            HostAssembly(),
            [
                "--urls", $"http://127.0.0.1:{port}", "--environment", "Testing",
                "--Cluster:SiloPort", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                "--Cluster:GatewayPort", ChildProcess.FreePort().ToString(CultureInfo.InvariantCulture),
                "--Auth:Admin:Login", "bench_admin", "--Auth:Admin:Email", "bench-admin@example.com", "--Auth:Admin:Password", password,
                "--Kitchen:Simulate", "false", "--Logging:LogLevel:Default", "Warning",
            ],
            "/health",
            port);
        using var http = new HttpClient { BaseAddress = host.Address };
        var adminToken = await SignInAsync(http, "bench_admin", password);
        var orders = await PlaceOrdersAsync(http, adminToken);

        var idleBefore = await SettledResidentBytesAsync(host);
        var received = new ConcurrentBag<double>();
        var connections = await ConnectAsync(Connections, async index =>
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(host.Address, "hubs/orders"), options =>
                {
                    options.Transports = HttpTransportType.WebSockets;
                    options.SkipNegotiation = true;
                    options.AccessTokenProvider = () => Task.FromResult<string?>(adminToken);
                })
                .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
                .Build();
            connection.On<JsonElement>("OrderUpdated", update =>
            {
                var at = update.GetProperty("at").GetDateTimeOffset();
                received.Add((DateTimeOffset.UtcNow - at).TotalMilliseconds);
            });
            await connection.StartAsync();
            await connection.InvokeAsync<JsonElement>("SubscribeOrder", orders[index % orders.Count], (long?)null);
            return connection;
        });
        var idleAfter = await SettledResidentBytesAsync(host);

        string[] steps = ["Cooking", "ReadyForDelivery"];
        using var staff = Authorized(host.Address, adminToken);
        foreach (var step in steps)
        {
            await PacedAsync(orders.Count, async index =>
            {
                using var moved = await staff.PostAsJsonAsync($"/api/staff/orders/{orders[index]}/status", new { status = step });
                moved.EnsureSuccessStatusCode();
            });
        }

        return await CollectAsync(received, Connections * Rounds, connections, idleBefore, idleAfter);
    }

    private static async Task<Figures> MeasureBaselineAsync()
    {
        var port = ChildProcess.FreePort();
        await using var server = await ChildProcess.StartAsync(
            typeof(HubLoadBenchmark).Assembly.Location, [PushBaselineServer.Argument, port.ToString(CultureInfo.InvariantCulture)], "/ready", port);
        var idleBefore = await SettledResidentBytesAsync(server);
        var received = new ConcurrentBag<double>();
        var connections = await ConnectAsync(Connections, async index =>
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(server.Address, "hubs/push"), options =>
                {
                    options.Transports = HttpTransportType.WebSockets;
                    options.SkipNegotiation = true;
                })
                .Build();
            connection.On<DateTimeOffset>("Pushed", at => received.Add((DateTimeOffset.UtcNow - at).TotalMilliseconds));
            await connection.StartAsync();
            await connection.InvokeAsync("Watch", (index % Orders).ToString(CultureInfo.InvariantCulture));
            return connection;
        });
        var idleAfter = await SettledResidentBytesAsync(server);

        using var http = new HttpClient { BaseAddress = server.Address };
        for (var round = 0; round < Rounds; round++)
        {
            await PacedAsync(Orders, async group =>
            {
                using var pushed = await http.PostAsync($"/push/{group}", null);
                pushed.EnsureSuccessStatusCode();
            });
        }

        return await CollectAsync(received, Connections * Rounds, connections, idleBefore, idleAfter);
    }

    private static async Task<Figures> CollectAsync(ConcurrentBag<double> received, int expected, List<HubConnection> connections, long idleBefore, long idleAfter)
    {
        var waited = Stopwatch.StartNew();
        while (received.Count < expected && waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 50 }, async (connection, _) => await connection.DisposeAsync());
        var latencies = received.Order().ToArray();
        return new Figures(
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Length == 0 ? double.NaN : latencies[^1],
            latencies.Length,
            expected,
            (double)(idleAfter - idleBefore) / connections.Count);
    }

    /// <summary>Starts <paramref name="action"/> for 0 … count-1 at <see cref="ChangesPerSecond"/>, each without waiting for the last.</summary>
    private static async Task PacedAsync(int count, Func<int, Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        var started = new List<Task>(count);
        for (var index = 0; index < count; index++)
        {
            var wait = TimeSpan.FromSeconds(index / ChangesPerSecond) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            started.Add(action(index));
        }

        await Task.WhenAll(started);
    }

    private static async Task<List<HubConnection>> ConnectAsync(int count, Func<int, Task<HubConnection>> connect)
    {
        var connections = new ConcurrentBag<HubConnection>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (index, _) => connections.Add(await connect(index)));
        return [.. connections];
    }

    /// <summary>Resident memory once the collections a moment ago have settled.</summary>
    private static async Task<long> SettledResidentBytesAsync(ChildProcess process)
    {
        await Task.Delay(TimeSpan.FromSeconds(5));
        return process.ResidentBytes;
    }

    private static double Percentile(double[] sorted, double quantile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];

    /// <summary>Orders placed by a few customers in parallel, all of one product with stock to spare.</summary>
    private static async Task<List<Guid>> PlaceOrdersAsync(HttpClient http, string adminToken)
    {
        using var admin = Authorized(http.BaseAddress!, adminToken);
        using var created = await admin.PostAsJsonAsync("/api/staff/products", new
        {
            name = "Benchmark Bowl", description = "Never runs out.", price = 5m, categoryId = "pizza", stock = 1_000_000,
        });
        created.EnsureSuccessStatusCode();
        var productId = (await created.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid();

        const int customers = 10;
        var orders = new ConcurrentBag<Guid>();
        await Parallel.ForAsync(0, customers, async (customer, _) =>
        {
            using var client = Authorized(http.BaseAddress!, await NewCustomerTokenAsync(http));
            for (var i = 0; i < Orders / customers; i++)
            {
                (await client.PutAsJsonAsync($"/api/cart/items/{productId}", new { quantity = 1 })).EnsureSuccessStatusCode();
                using var placed = await client.PostAsJsonAsync("/api/orders", new
                {
                    deliveryMethod = "Pickup", contactName = "Bench", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
                });
                placed.EnsureSuccessStatusCode();
                orders.Add((await placed.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("id").GetGuid());
            }
        });
        return [.. orders];
    }

    private static async Task<string> NewCustomerTokenAsync(HttpClient http)
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var email = $"{suffix}@example.com";
        const string password = "benchmark password";
        using var signUp = await http.PostAsJsonAsync("/api/auth/signup", new
        {
            login = $"bench_{suffix}", email, phone = $"+44 7700 9{Random.Shared.Next(10_000, 99_999)}", password, passwordConfirmation = password, firstName = "Bench", lastName = "Mark",
        });
        signUp.EnsureSuccessStatusCode();
        var signUpId = (await signUp.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("signUpId").GetGuid();
        var mailbox = await http.GetFromJsonAsync<JsonElement>($"/api/dev/mailbox?to={Uri.EscapeDataString(email)}", Json);
        var code = SixDigits().Match(mailbox.GetProperty("items")[0].GetProperty("body").GetString()!).Value;
        (await http.PostAsJsonAsync($"/api/auth/signup/{signUpId}/confirm", new { code })).EnsureSuccessStatusCode();
        return await SignInAsync(http, $"bench_{suffix}", password);
    }

    private static async Task<string> SignInAsync(HttpClient http, string login, string password)
    {
        using var signIn = await http.PostAsJsonAsync("/api/auth/signin", new { login, password });
        signIn.EnsureSuccessStatusCode();
        return (await signIn.Content.ReadFromJsonAsync<JsonElement>(Json)).GetProperty("token").GetString()!;
    }

    private static HttpClient Authorized(Uri address, string token) =>
        new() { BaseAddress = address, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };

    /// <summary>The host built beside this benchmark, in the same configuration (Release or Debug).</summary>
    private static string HostAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        for (var dir = here; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "OrleansDelivery.Host", "bin", configuration, "net10.0", "OrleansDelivery.Host.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Build the host first: dotnet build -c {configuration} src/OrleansDelivery.Host");
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();

    private sealed record Figures(double P50, double P99, double Max, int Received, int Expected, double BytesPerConnection);
}
