using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OrleansDelivery.Catalog;
using OrleansDelivery.Host.Catalog;

namespace OrleansDelivery.Benchmarks.Http;

/// <summary>
/// The order flow over real HTTP: the host on Kestrel on a loopback port, in <c>Postgres</c> mode on a real server,
/// 32 signed-in customers each putting one product in the cart and checking out, again and again, in a closed loop.
/// Beside it, in the same run, the same 32 clients against an empty Kestrel app that echoes the checkout's JSON:
/// what HTTP, routing and JSON alone cost on this machine.
/// </summary>
public static class HttpOrderFlowBenchmark
{
    private const int Customers = 32;

    /// <summary>Units added to every demo product first, so the load can never run out of stock.</summary>
    private const int HugeStock = 1_000_000;

    // PostgreSQL 15 holds an idle backend's counters for up to 10 s before reporting them to pg_stat_database.
    private static readonly TimeSpan StatisticsFlush = TimeSpan.FromSeconds(11);

    /// <param name="resetOnClose">
    /// Gives the host <c>No Reset On Close=false</c> in its connection string, which the product does not do: to show
    /// what Npgsql's reset of every pooled connection would cost, not to be the figure reported.
    /// </param>
    public static async Task RunAsync(BenchmarkSettings settings, bool resetOnClose = false)
    {
        await using var database = await BenchmarkDatabase.CreateAsync(
            new Dictionary<string, string> { ["shared_preload_libraries"] = "pg_stat_statements", ["pg_stat_statements.track"] = "top" },
            CancellationToken.None);
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var calls = new GrainCallCounter();
        // Left alone, AddPostgresDataSource turns the reset off; an explicit setting in the string wins.
        var hostConnectionString = resetOnClose
            ? new NpgsqlConnectionStringBuilder(database.ConnectionString) { NoResetOnClose = false }.ConnectionString
            : database.ConnectionString;
        await using var host = new BenchmarkHost(hostConnectionString, services => services.AddSingleton<IIncomingGrainCallFilter>(calls));
        host.StartServer();
        await using var echo = await EchoServer.StartAsync();

        Console.WriteLine();
        Console.WriteLine($"HTTP order flow: {Customers} customers, each in a closed loop of PUT /api/cart/items/{{id}} {{quantity:1}} + POST /api/orders (Pickup, cash)");
        Console.WriteLine($"  host: OrleansDelivery.Host in this process (WebApplicationFactory on Kestrel, http://127.0.0.1:{host.Port}), Cluster:Mode=Postgres, one silo;");
        Console.WriteLine($"  load: {Customers} HttpClients (SocketsHttpHandler, one keep-alive connection each) in this process too, so CPU 'here' is host + load;");
        Console.WriteLine($"  GC: {(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode} (the harness's settings; the host alone would run server GC)");
        Console.WriteLine($"  {await database.DescribeAsync(dataSource, CancellationToken.None)}");
        Console.WriteLine(resetOnClose
            ? "  host's connection string: No Reset On Close=false (--reset-on-close; NOT the product's setting: Npgsql resets each pooled connection)"
            : "  host's connection string: as the product configures it (No Reset On Close=true)");
        var statements = new ServerStatements(dataSource);
        var counting = await statements.TryEnableAsync();
        if (!counting)
        {
            Console.WriteLine("  pg_stat_statements is not loaded on this server (shared_preload_libraries): statements per order are not counted.");
        }

        var products = await RestockDemoProductsAsync(host.Services.GetRequiredService<IGrainFactory>());
        var run = Guid.NewGuid().ToString("N")[..8];
        var customers = await Task.WhenAll(Enumerable.Range(0, Customers).Select(i => VirtualCustomer.SignUpAndSignInAsync(i, host.BaseAddress, run)));
        var echoClients = Enumerable.Range(0, Customers).Select(_ => VirtualCustomer.CreateClient(echo.BaseAddress)).ToArray();

        var orderLatency = new Latencies(Customers);
        var checkoutLatency = new Latencies(Customers);
        var echoLatency = new Latencies(Customers);
        async Task Order(int worker, long n)
        {
            // Customers walk the catalogue from different places: each order takes another product, and products
            // are shared between customers as they would be, without all of them queueing on one product grain.
            var product = products[(int)((worker + n) % products.Length)];
            var start = Stopwatch.GetTimestamp();
            var checkout = await customers[worker].OrderAsync(product);
            orderLatency.Record(worker, Stopwatch.GetTimestamp() - start);
            checkoutLatency.Record(worker, checkout);
        }

        async Task Echo(int worker, long _)
        {
            var start = Stopwatch.GetTimestamp();
            await VirtualCustomer.EchoAsync(echoClients[worker]);
            echoLatency.Record(worker, Stopwatch.GetTimestamp() - start);
        }

        var warmup = await Warmup.UntilJitQuietAsync(
            async () =>
            {
                await Measure.ThroughputAsync(Customers, TimeSpan.FromSeconds(1), Order);
                await Measure.ThroughputAsync(Customers, TimeSpan.FromSeconds(1), Echo);
            },
            TimeSpan.FromSeconds(120));
        Console.WriteLine($"  {warmup}");

        // The order flow in one window, bracketed by what the server counted; then the baseline in a window as long.
        var serverProcesses = database.ServerProcesses(dataSource);
        var (orderCpu, echoCpu) = (new CpuMeter(serverProcesses), new CpuMeter(serverProcesses));
        orderLatency.Clear();
        checkoutLatency.Clear();
        echoLatency.Clear();
        await Task.Delay(StatisticsFlush);
        var transactionsBefore = await statements.CommittedTransactionsAsync();
        if (counting)
        {
            await statements.ResetStatementsAsync();
        }

        var heap = HeapActivity.Now();
        calls.Start();
        var ordersPerSecond = await orderCpu.MeasureAsync(() => Measure.ThroughputAsync(Customers, settings.Duration, Order));
        calls.Stop();
        heap = HeapActivity.Now() - heap;
        var projectionLag = await CatalogueLagAsync(host.Services.GetRequiredService<IGrainFactory>(), products);
        var counted = counting ? await statements.StatementsAsync() : [];
        await Task.Delay(StatisticsFlush);
        var transactions = await statements.CommittedTransactionsAsync() - transactionsBefore;
        var echoPerSecond = await echoCpu.MeasureAsync(() => Measure.ThroughputAsync(Customers, settings.Duration, Echo));

        double orders = orderLatency.Count;
        var p99 = orderLatency.Percentile(0.99);
        Report.Line("orders/s (cart + checkout, 2 requests)", $"{ordersPerSecond:N0}/s", $"{echoPerSecond / 2:N0}/s echo pairs", Report.Target(ordersPerSecond >= 1000, ">= 1,000/s"));
        Report.Line("requests/s", $"{ordersPerSecond * 2:N0}/s", $"{echoPerSecond:N0}/s echo", $"ratio {ordersPerSecond * 2 / echoPerSecond:0.000}");
        Report.Line("order latency p50 (cart + checkout)", Latencies.Milliseconds(orderLatency.Percentile(0.5)), Latencies.Milliseconds(echoLatency.Percentile(0.5)) + " echo", "");
        Report.Line("order latency p99 (cart + checkout)", Latencies.Milliseconds(p99), Latencies.Milliseconds(echoLatency.Percentile(0.99)) + " echo", Report.Target(p99 < TimeSpan.FromMilliseconds(50), "< 50 ms"));
        Report.Line("checkout latency p50 / p99", $"{Latencies.Milliseconds(checkoutLatency.Percentile(0.5))} / {Latencies.Milliseconds(checkoutLatency.Percentile(0.99))}", "", "");
        if (counting)
        {
            var perOrder = counted.Sum(statement => statement.Calls) / orders;
            Report.Line("statements per order (pg_stat_statements)", perOrder.ToString("0.00", CultureInfo.InvariantCulture), "", Report.Target(perOrder <= 8, "<= 8"));
        }

        Report.Line("transactions per order (pg_stat_database)", (transactions / orders).ToString("0.00", CultureInfo.InvariantCulture), "", "cross-check");
        Report.Line("grain calls per order (received by the silo)", (calls.Total / orders).ToString("0.00", CultureInfo.InvariantCulture), "", "");
        Console.WriteLine($"  {orders:N0} orders in {settings.Seconds:0} s; order latency {orderLatency.Describe()}; echo {echoLatency.Describe()}");
        Console.WriteLine($"  this process per order: {heap.Allocated / orders / 1024:N0} KB allocated; in the window {heap.Gen0:N0} gen0, {heap.Gen1:N0} gen1, " +
            $"{heap.Gen2:N0} gen2 collections, paused {heap.Paused.TotalMilliseconds / settings.Duration.TotalMilliseconds:P1} of the time");

        Console.WriteLine("  Per order (per echo request for the baseline): µs of CPU in this process (host and load), in PostgreSQL's");
        Console.WriteLine("  processes, anywhere else (noise); context switches across the machine; share of the cores busy.");
        Console.WriteLine($"    {"",-42} {orderCpu.Header()}");
        Console.WriteLine($"    {"order (cart + checkout)",-42} {orderCpu.Row()}");
        Console.WriteLine($"    {"echo request (baseline)",-42} {echoCpu.Row()}");

        if (counting)
        {
            Console.WriteLine("  Statements per order, most called first (calls per order, execution time per call, query):");
            foreach (var statement in counted.Take(12))
            {
                Console.WriteLine($"    {statement.Describe(orders)}");
            }
        }

        Console.WriteLine("  Grain state in PostgreSQL at the end (JSON sizes):");
        foreach (var line in await statements.StateSizesAsync())
        {
            Console.WriteLine($"    {line}");
        }

        Console.WriteLine($"  Catalogue projection at the end of the order window: {projectionLag:N0} product changes behind the product grains");
        Console.WriteLine("  Grain calls per order, most frequent first:");
        foreach (var line in calls.Top(16, orders))
        {
            Console.WriteLine($"    {line}");
        }

        foreach (var client in echoClients)
        {
            client.Dispose();
        }

        foreach (var customer in customers)
        {
            customer.Dispose();
        }
    }

    /// <summary>What the garbage collector did in this process: bytes allocated, collections by generation, pause time.</summary>
    private readonly record struct HeapActivity(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static HeapActivity Now() =>
            new(GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public static HeapActivity operator -(HeapActivity after, HeapActivity before) =>
            new(after.Allocated - before.Allocated, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Paused - before.Paused);
    }

    /// <summary>
    /// How many product changes the catalogue listing has not applied yet: the sum, over the products, of the
    /// product grain's version less the version the listing holds.
    /// </summary>
    private static async Task<long> CatalogueLagAsync(IGrainFactory grains, Guid[] products)
    {
        var listed = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).SearchAsync(new ProductQuery(null, null, 1, products.Length));
        var lag = 0L;
        foreach (var id in products)
        {
            var current = await grains.GetGrain<IProductGrain>(id).GetAsync();
            lag += (current?.Version ?? 0) - (listed.Items.FirstOrDefault(item => item.Id == id)?.Version ?? 0);
        }

        return lag;
    }

    /// <summary>The demo catalogue's products, each given <see cref="HugeStock"/> more units through its grain.</summary>
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
