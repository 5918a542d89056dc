using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansDelivery.Benchmarks.Http;

namespace OrleansDelivery.Benchmarks.Cluster;

/// <summary>
/// The topology of <c>tests/scripts/cluster.sh</c> (three silos, a front-end, nginx, PostgreSQL, all on this machine):
/// orders/s through nginx with three, two and one silo; how long a killed or frozen silo's grains take to answer again;
/// how late a status change reaches a tracking client connected to the front-end node.
/// </summary>
public static partial class ClusterBenchmark
{
    private const int Customers = 32;
    private const int PortOffset = 400;
    private const string Password = "correct horse battery";

    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private static readonly string StateDirectory = Path.Combine(Path.GetTempPath(), $"od-cluster-bench-{Environment.ProcessId}");
    private static readonly string AdminPassword = $"admin-{Guid.NewGuid():N}";
    private static readonly Uri Nginx = new($"http://127.0.0.1:{8080 + PortOffset}/");

    public static async Task RunAsync(BenchmarkSettings settings)
    {
        Console.WriteLine();
        Console.WriteLine("Cluster (tests/scripts/cluster.sh): 3 silo processes + 1 front-end process + nginx + PostgreSQL on this machine, Release host");
        await ScriptAsync("start");
        try
        {
            using var staff = await SignInAsync(Nginx, "admin", AdminPassword);
            var product = await CreateProductAsync(staff);
            var customers = new List<HttpClient>();
            for (var i = 0; i < Customers; i++)
            {
                customers.Add(await SignUpAsync(Nginx));
            }

            // Throughput first with every silo, then with fewer: the front-end and nginx stay.
            Console.WriteLine($"  orders/s through nginx, {Customers} customers in a closed loop of PUT cart item + POST /api/orders, {settings.Seconds:0} s each:");
            foreach (var (silos, stop) in new[] { (3, (string?)null), (2, "silo3"), (1, "silo2") })
            {
                if (stop is not null)
                {
                    await ScriptAsync("stop-node", stop);
                }

                await RunLoadAsync(customers, product, TimeSpan.FromSeconds(2));
                var (orders, latencies, errors) = await RunLoadAsync(customers, product, settings.Duration);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {silos} silo(s): {orders / settings.Seconds,7:0} orders/s   checkout {latencies.Describe()}   non-2xx {errors}"));
            }

            await ScriptAsync("start-node", "silo2");
            await ScriptAsync("start-node", "silo3");

            await MeasureFailoverAsync(customers, product, "KILL", "silo2");
            await ScriptAsync("start-node", "silo2");
            await MeasureFailoverAsync(customers, product, "STOP", "silo3");
            await ScriptAsync("start-node", "silo3");

            await MeasurePushLatencyAsync(customers[0], staff, product);
            foreach (var customer in customers)
            {
                customer.Dispose();
            }
        }
        finally
        {
            await ScriptAsync("stop");
        }
    }

    private static async Task<(int Orders, Latencies Latencies, int Errors)> RunLoadAsync(IReadOnlyList<HttpClient> customers, Guid product, TimeSpan duration)
    {
        var latencies = new Latencies(customers.Count);
        var orders = 0;
        var errors = 0;
        using var stop = new CancellationTokenSource(duration);
        await Task.WhenAll(customers.Select((customer, worker) => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var added = await customer.PutAsJsonAsync($"/api/cart/items/{product}", new { quantity = 1 });
                    var started = Stopwatch.GetTimestamp();
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(Checkout) };
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
                    using var placed = await customer.SendAsync(request);
                    if (placed.StatusCode == HttpStatusCode.Created)
                    {
                        latencies.Record(worker, Stopwatch.GetTimestamp() - started);
                        Interlocked.Increment(ref orders);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        return (orders, latencies, errors);
    }

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Places orders until some live on <paramref name="silo"/>'s grains, signals it, then polls every order through
    /// the front-end: the figure is the time from the signal until the last of them answers again.
    /// </summary>
    private static async Task MeasureFailoverAsync(IReadOnlyList<HttpClient> customers, Guid product, string signal, string silo)
    {
        var orders = new List<(HttpClient Customer, Guid Id)>();
        foreach (var customer in customers)
        {
            using var added = await customer.PutAsJsonAsync($"/api/cart/items/{product}", new { quantity = 1 });
            using var placed = await customer.PostAsJsonAsync("/api/orders", Checkout);
            if (placed.StatusCode == HttpStatusCode.Created)
            {
                orders.Add((customer, (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
            }
        }

        var frontend = new Uri($"http://127.0.0.1:{5084 + PortOffset}/");
        var pid = int.Parse(await File.ReadAllTextAsync(Path.Combine(StateDirectory, "pids", $"{silo}.pid")), CultureInfo.InvariantCulture);
        var signalled = Stopwatch.StartNew();
        Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]).WaitForExit();

        var unanswered = new ConcurrentDictionary<Guid, TimeSpan>();
        var answeredAgain = new ConcurrentDictionary<Guid, TimeSpan>();
        await Task.WhenAll(orders.Select(order => Task.Run(async () =>
        {
            // Each order is probed every 50 ms with a 1 s timeout: a request stuck on the dead silo says nothing about
            // when the order answers again, and a 5 s timeout (as first measured) made every stuck probe read 5.1 s.
            using var direct = new HttpClient { BaseAddress = frontend, Timeout = ProbeTimeout };
            direct.DefaultRequestHeaders.Authorization = order.Customer.DefaultRequestHeaders.Authorization;
            var failed = false;
            while (signalled.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    using var response = await direct.GetAsync($"/api/orders/{order.Id}");
                    if (response.IsSuccessStatusCode)
                    {
                        if (failed)
                        {
                            answeredAgain[order.Id] = signalled.Elapsed;
                        }

                        // An order that answers after the silo is declared dead has moved (or never lived there).
                        if (failed || signalled.Elapsed > TimeSpan.FromSeconds(15))
                        {
                            return;
                        }
                    }
                    else
                    {
                        failed = true;
                    }
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    failed = true;
                }

                await Task.Delay(50);
            }

            unanswered[order.Id] = signalled.Elapsed;
        })));

        if (signal == "STOP")
        {
            Process.Start("kill", ["-CONT", pid.ToString(CultureInfo.InvariantCulture)]).WaitForExit();
            while (IsRunning(pid))
            {
                await Task.Delay(100);
            }
        }

        var worst = answeredAgain.Values.DefaultIfEmpty().Max();
        var what = signal == "KILL" ? "kill -9" : "SIGSTOP (frozen)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  failover after {what} of {silo}: {answeredAgain.Count} of {orders.Count} orders stopped answering; the last answered again {worst.TotalSeconds:0.0} s after the signal " +
            $"({(worst <= TimeSpan.FromSeconds(5) ? "target ≤ 5 s: met" : "target ≤ 5 s: MISSED")}; probes every 50 ms, {ProbeTimeout.TotalSeconds:0} s timeout); {unanswered.Count} never answered within 60 s"));
    }

    /// <summary>A tracking connection on the front-end node; staff move an order on through silo1; the time until the step arrives.</summary>
    private static async Task MeasurePushLatencyAsync(HttpClient customer, HttpClient staff, Guid product)
    {
        var token = customer.DefaultRequestHeaders.Authorization!.Parameter;
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri($"http://127.0.0.1:{5084 + PortOffset}/hubs/orders"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        var arrived = new ConcurrentDictionary<(Guid, long), long>();
        connection.On<JsonElement>("OrderUpdated", update =>
            arrived[(update.GetProperty("orderId").GetGuid(), update.GetProperty("sequence").GetInt64())] = Stopwatch.GetTimestamp());
        await connection.StartAsync();

        using var silo1 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{5081 + PortOffset}/") };
        silo1.DefaultRequestHeaders.Authorization = staff.DefaultRequestHeaders.Authorization;
        var latencies = new Latencies(1);
        for (var i = 0; i < 50; i++)
        {
            using var added = await customer.PutAsJsonAsync($"/api/cart/items/{product}", new { quantity = 1 });
            using var placed = await customer.PostAsJsonAsync("/api/orders", Checkout);
            var orderId = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await connection.InvokeAsync<JsonElement>("SubscribeOrder", orderId, 0L);
            var sent = Stopwatch.GetTimestamp();
            using var moved = await silo1.PostAsJsonAsync($"/api/staff/orders/{orderId}/status", new { status = "Cooking" });
            var deadline = Stopwatch.StartNew();
            while (!arrived.ContainsKey((orderId, 3)) && deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(1);
            }

            if (arrived.TryGetValue((orderId, 3), out var at))
            {
                latencies.Record(0, at - sent);
            }
        }

        Console.WriteLine($"  push latency, status change through silo1 until the tracking client on frontend1 has it ({latencies.Count} of 50): {latencies.Describe()}");
    }

    private static readonly object Checkout = new { deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery" };

    private static async Task<Guid> CreateProductAsync(HttpClient staff)
    {
        var categories = await staff.GetFromJsonAsync<JsonElement>("/api/categories");
        var category = categories.ValueKind == JsonValueKind.Array ? categories[0] : categories.GetProperty("items")[0];
        using var created = await staff.PostAsJsonAsync("/api/staff/products", new
        {
            name = "Benchmark dish", description = "Never sold out.", price = 7.5m, categoryId = category.GetProperty("id").GetString(),
            dietaryTags = Array.Empty<string>(), isActive = true, stock = 1_000_000,
        });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<HttpClient> SignUpAsync(Uri address)
    {
        using var anonymous = new HttpClient { BaseAddress = address };
        var suffix = Guid.NewGuid().ToString("N")[..10];
        using var started = await anonymous.PostAsJsonAsync("/api/auth/signup", new
        {
            login = $"bench_{suffix}", email = $"{suffix}@example.com", phone = $"+44 7700 {Random.Shared.Next(100_000, 999_999)}{Random.Shared.Next(10, 99)}",
            password = Password, passwordConfirmation = Password, firstName = "Ada", lastName = "Lovelace",
        });
        started.EnsureSuccessStatusCode();
        var signUpId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signUpId").GetGuid();
        var mailbox = await anonymous.GetFromJsonAsync<JsonElement>($"/api/dev/mailbox?to={suffix}%40example.com");
        var code = SixDigits().Match(mailbox.GetProperty("items")[0].GetProperty("body").GetString()!).Value;
        using var confirmed = await anonymous.PostAsJsonAsync($"/api/auth/signup/{signUpId}/confirm", new { code });
        confirmed.EnsureSuccessStatusCode();
        return await SignInAsync(address, $"bench_{suffix}", Password);
    }

    private static async Task<HttpClient> SignInAsync(Uri address, string login, string password)
    {
        var client = new HttpClient { BaseAddress = address };
        using var signIn = await client.PostAsJsonAsync("/api/auth/signin", new { login, password });
        signIn.EnsureSuccessStatusCode();
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static bool IsRunning(int pid)
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

    private static async Task ScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "tests", "scripts", "cluster.sh"), .. arguments, "--state-dir", StateDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OD_PORT_OFFSET"] = PortOffset.ToString(CultureInfo.InvariantCulture);
        start.Environment["OD_ENVIRONMENT"] = "Testing";
        start.Environment["OD_ADMIN_PASSWORD"] = AdminPassword;
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed: {await error}");
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

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
