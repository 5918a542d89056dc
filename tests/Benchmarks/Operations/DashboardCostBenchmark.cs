using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Benchmarks.Http;
using OrleansDelivery.Catalog;
using OrleansDelivery.Host.Catalog;

namespace OrleansDelivery.Benchmarks.Operations;

/// <summary>
/// What the Orleans Dashboard costs the order flow: the HTTP order flow of <see cref="HttpOrderFlowBenchmark"/> (32
/// customers in closed loops of cart + checkout, Postgres mode, one silo) on a host without the dashboard
/// (<c>Operations:Dashboard=false</c>), then on a host with it while an operator's page is open on it: the overview
/// page's three requests every second, which keeps the grain-method profiler recording. Runs alternate
/// (off, on, off, on), each host on a fresh database, so the JIT's warm-up and the database's growth favour neither.
/// </summary>
public static class DashboardCostBenchmark
{
    private const int Customers = 32;
    private const int Rounds = 2;
    private const int HugeStock = 1_000_000;
    private const string OperatorKey = "benchmark-operator-key-0123456789";

    /// <summary>What the dashboard's overview page asks for every second while it is open.</summary>
    private static readonly string[] OverviewRequests = ["/dashboard/DashboardCounters", "/dashboard/ClusterStats", "/dashboard/TopGrainMethods"];

    public static async Task RunAsync(BenchmarkSettings settings)
    {
        Console.WriteLine();
        Console.WriteLine($"Dashboard cost: the HTTP order flow ({Customers} customers, cart + checkout, Postgres mode, one silo), {Rounds} rounds of");
        Console.WriteLine("  a host without the dashboard, then one with it and its overview page polled every second (profiler recording);");
        Console.WriteLine($"  {settings.Seconds:0} s measured per run after a warm-up; each run on a fresh database of one throwaway server.");
        var without = new List<double>();
        var with = new List<double>();
        for (var round = 1; round <= Rounds; round++)
        {
            without.Add(await RunOnceAsync(settings, dashboard: false, round));
            with.Add(await RunOnceAsync(settings, dashboard: true, round));
        }

        var (off, on) = (without.Average(), with.Average());
        var slower = 1 - on / off;
        Report.Line("orders/s without the dashboard", $"{off:N0}/s", "", string.Join(", ", without.Select(v => v.ToString("N0", CultureInfo.InvariantCulture))));
        Report.Line("orders/s with the dashboard open", $"{on:N0}/s", $"{off:N0}/s without", string.Join(", ", with.Select(v => v.ToString("N0", CultureInfo.InvariantCulture))));
        Report.Line("dashboard cost (throughput lost)", slower.ToString("P1", CultureInfo.InvariantCulture), "", Report.Target(slower <= 0.05, "<= 5%"));
    }

    private static async Task<double> RunOnceAsync(BenchmarkSettings settings, bool dashboard, int round)
    {
        await using var database = await BenchmarkDatabase.CreateAsync(CancellationToken.None);
        await using var host = new BenchmarkHost(
            database.ConnectionString,
            _ => { },
            new Dictionary<string, string?>
            {
                ["Operations:Dashboard"] = dashboard ? "true" : "false",
                ["Operations:DashboardKey"] = OperatorKey,
            });
        host.StartServer();
        var products = await RestockDemoProductsAsync(host.Services.GetRequiredService<IGrainFactory>());
        var run = Guid.NewGuid().ToString("N")[..8];
        var customers = await Task.WhenAll(Enumerable.Range(0, Customers).Select(i => VirtualCustomer.SignUpAndSignInAsync(i, host.BaseAddress, run)));
        Task Order(int worker, long n) => customers[worker].OrderAsync(products[(int)((worker + n) % products.Length)]);

        using var page = VirtualCustomer.CreateClient(host.BaseAddress);
        page.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey);
        using var closePage = new CancellationTokenSource();
        var polls = 0;
        var viewing = dashboard ? Task.Run(async () =>
        {
            using var everySecond = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await everySecond.WaitForNextTickAsync(closePage.Token).ConfigureAwait(false))
            {
                foreach (var path in OverviewRequests)
                {
                    using var response = await page.GetAsync(path, closePage.Token);
                    response.EnsureSuccessStatusCode();
                    await response.Content.ReadAsByteArrayAsync(closePage.Token);
                }

                polls++;
            }
        }) : Task.CompletedTask;

        try
        {
            // Warm-up with the page already open, so the profiler is on for the whole measured window.
            await Measure.ThroughputAsync(Customers, TimeSpan.FromSeconds(Math.Max(3, settings.Seconds / 2)), Order);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var ordersPerSecond = await Measure.ThroughputAsync(Customers, settings.Duration, Order);
            var cpuShare = (Process.GetCurrentProcess().TotalProcessorTime - cpu) / Stopwatch.GetElapsedTime(started) / Environment.ProcessorCount;
            Console.WriteLine($"  round {round}, dashboard {(dashboard ? $"on, page open ({polls} polls so far)" : "off")}: {ordersPerSecond:N0} orders/s, this process busy {cpuShare:P0} of the cores");
            return ordersPerSecond;
        }
        finally
        {
            await closePage.CancelAsync();
            try
            {
                await viewing;
            }
            catch (OperationCanceledException)
            {
                // The page closed mid-poll.
            }

            foreach (var customer in customers)
            {
                customer.Dispose();
            }
        }
    }

    private static async Task<Guid[]> RestockDemoProductsAsync(IGrainFactory grains)
    {
        var demo = await DemoCatalogSeeder.LoadAsync(CancellationToken.None);
        var ids = demo.Products.Select(product => DemoCatalogSeeder.ProductId(product.Slug)).ToArray();
        foreach (var id in ids)
        {
            await grains.GetGrain<IProductGrain>(id).AdjustStockAsync(HugeStock);
        }

        return ids;
    }
}
