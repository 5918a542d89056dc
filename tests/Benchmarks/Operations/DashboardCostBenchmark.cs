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
/// (off, on, off, on, …), each host on a fresh database, so the JIT's warm-up and the database's growth favour neither.
/// Besides orders per second it reports this process's CPU time per order, which other load on the machine disturbs
/// far less than throughput: on a busy machine the process gets what CPU it can, and what it spends per order is what
/// the dashboard adds to.
/// </summary>
public static class DashboardCostBenchmark
{
    private const int Customers = 32;
    private const int Rounds = 3;
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
        // A first host, not reported, with the dashboard on: it compiles both paths, which would otherwise weigh on the
        // first round alone (a first run here spent twice the CPU per order of the later ones).
        await RunOnceAsync(settings, dashboard: true, round: 0);
        var without = new List<(double PerSecond, double CpuPerOrder)>();
        var with = new List<(double PerSecond, double CpuPerOrder)>();
        for (var round = 1; round <= Rounds; round++)
        {
            without.Add(await RunOnceAsync(settings, dashboard: false, round));
            with.Add(await RunOnceAsync(settings, dashboard: true, round));
        }

        static string Each(IEnumerable<double> values, string format) => string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
        var (off, on) = (without.Average(run => run.PerSecond), with.Average(run => run.PerSecond));
        var (offCpu, onCpu) = (without.Average(run => run.CpuPerOrder), with.Average(run => run.CpuPerOrder));
        Report.Line("orders/s without the dashboard", $"{off:N0}/s", "", $"runs: {Each(without.Select(r => r.PerSecond), "N0")}");
        Report.Line("orders/s with the dashboard open", $"{on:N0}/s", $"{off:N0}/s without", $"runs: {Each(with.Select(r => r.PerSecond), "N0")}");
        Report.Line("CPU per order without (this process)", $"{offCpu:N0} µs", "", $"runs: {Each(without.Select(r => r.CpuPerOrder), "N0")}");
        Report.Line("CPU per order with the dashboard open", $"{onCpu:N0} µs", $"{offCpu:N0} µs without", $"runs: {Each(with.Select(r => r.CpuPerOrder), "N0")}");
        Report.Line("dashboard cost: throughput lost", (1 - on / off).ToString("P1", CultureInfo.InvariantCulture), "", Report.Target(1 - on / off <= 0.05, "<= 5%"));
        Report.Line("dashboard cost: CPU per order added", (onCpu / offCpu - 1).ToString("P1", CultureInfo.InvariantCulture), "", Report.Target(onCpu / offCpu - 1 <= 0.05, "<= 5%"));
    }

    private static async Task<(double PerSecond, double CpuPerOrder)> RunOnceAsync(BenchmarkSettings settings, bool dashboard, int round)
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
            var elapsed = Stopwatch.GetElapsedTime(started);
            var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var cpuPerOrder = spent.TotalMicroseconds / (ordersPerSecond * elapsed.TotalSeconds);
            Console.WriteLine($"  {(round == 0 ? "warm-up run" : $"round {round}")}, dashboard {(dashboard ? $"on, page open ({polls} polls so far)" : "off")}: {ordersPerSecond:N0} orders/s, " +
                $"{cpuPerOrder:N0} µs CPU per order here, this process busy {spent / elapsed / Environment.ProcessorCount:P0} of the cores");
            return (ordersPerSecond, cpuPerOrder);
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
