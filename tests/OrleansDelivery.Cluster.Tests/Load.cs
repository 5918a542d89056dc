using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>An order the cluster acknowledged, and the furthest step it acknowledged for it.</summary>
public sealed class AcknowledgedOrder(Guid id, Shop customer)
{
    public Guid Id { get; } = id;

    public Shop Customer { get; } = customer;

    /// <summary>The highest step (sequence) an answer of the cluster showed for this order.</summary>
    public long Sequence { get; set; }

    public string Status { get; set; } = "";
}

/// <summary>
/// Customers placing orders through nginx while staff move them on (Cooking, then ReadyForDelivery), and each customer's
/// tracking connection watching their orders. Records what was acknowledged and every step seen, then checks the
/// cluster against it: nothing acknowledged lost, nothing gone backwards, nothing oversold, no tracking gaps.
/// </summary>
public sealed class Load : IAsyncDisposable
{
    private static readonly string[] StaffSteps = ["Cooking", "ReadyForDelivery"];

    private readonly Topology _topology;
    private readonly List<Shop> _customers = [];
    private readonly List<Watcher> _watchers = [];
    private readonly ConcurrentDictionary<Guid, AcknowledgedOrder> _orders = new();
    private readonly ConcurrentQueue<string> _regressions = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly List<Task> _subscriptions = [];
    private Shop _staff = null!;
    private int _checkoutsRefused;

    private Load(Topology topology) => _topology = topology;

    public ConcurrentQueue<Failure> Failures { get; } = new();

    /// <summary>Two products: one with little stock that sells out under the load, one that does not.</summary>
    public (Guid Id, int InitialStock) Scarce { get; private set; }

    public (Guid Id, int InitialStock) Plentiful { get; private set; }

    public IReadOnlyCollection<AcknowledgedOrder> Orders => [.. _orders.Values];

    public IReadOnlyList<Watcher> Watchers => _watchers;

    public int CheckoutsRefused => _checkoutsRefused;

    /// <summary>
    /// Signs up <paramref name="customers"/> customers through nginx; the first <paramref name="watchingThrough"/>.Count
    /// of them open their tracking connection directly on those nodes, the rest through nginx.
    /// </summary>
    public static async Task<Load> PrepareAsync(Topology topology, int customers, IReadOnlyList<string> watchingThrough, CancellationToken cancellationToken)
    {
        var load = new Load(topology);
        load._staff = await Shop.SignInAsync(topology.Nginx, load.Failures, Topology.AdminLogin, topology.AdminPassword, cancellationToken);
        load.Scarce = (await load.CreateProductAsync(40, cancellationToken), 40);
        load.Plentiful = (await load.CreateProductAsync(100_000, cancellationToken), 100_000);
        for (var i = 0; i < customers; i++)
        {
            var customer = await Shop.SignUpAsync(topology.Nginx, load.Failures, cancellationToken);
            load._customers.Add(customer);
            var watcher = new Watcher(i < watchingThrough.Count ? topology.NodeUrl(watchingThrough[i]) : topology.Nginx, topology.Nginx, customer.Token!);
            await watcher.StartAsync(cancellationToken);
            load._watchers.Add(watcher);
        }

        // What the load saw while setting up is not the failover's doing.
        load.Failures.Clear();
        return load;
    }

    public void Start()
    {
        for (var i = 0; i < _customers.Count; i++)
        {
            var (customer, watcher) = (_customers[i], _watchers[i]);
            _workers.Add(Task.Run(() => ShopAsync(customer, watcher, _stop.Token)));
        }
    }

    /// <summary>Waits until the load has acknowledged <paramref name="count"/> more orders than now.</summary>
    public async Task WaitForMoreOrdersAsync(int count, string what)
    {
        var target = _orders.Count + count;
        await OrleansDelivery.Testing.Wait.UntilAsync(() => Task.FromResult(_orders.Count), n => n >= target || !_regressions.IsEmpty, TimeSpan.FromMinutes(2), what);
        AssertNoRegressions();
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        List<Task> subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
        }

        // Subscriptions still trying when the load stops end with it; those that failed show in the tracking check.
        await Task.WhenAll(subscriptions).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>
    /// The checks every failover test makes once the load has stopped. Tracking connections must end with every step
    /// of their orders: a stream that missed a step is made up for by the relay's catch-up (Tracking:CatchUpPeriod,
    /// 10 s), so the wait allows several of its rounds.
    /// </summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        var log = TestContext.Current.TestOutputHelper!;
        AssertNoRegressions();

        // Every acknowledged order is there, at least at the step it was acknowledged at.
        var finalSteps = new Dictionary<Guid, long>();
        foreach (var order in _orders.Values)
        {
            var current = await order.Customer.GetOrderAsync(order.Id, cancellationToken);
            Assert.True(current is not null, $"acknowledged order {order.Id} cannot be read");
            var sequence = LastSequence(current.Value);
            Assert.True(sequence >= order.Sequence, $"order {order.Id} was acknowledged at step {order.Sequence} ({order.Status}) but is at {sequence} ({current.Value.GetProperty("status")})");
            finalSteps[order.Id] = sequence;
        }

        // Nothing oversold: the stock taken is exactly what the orders that exist hold, acknowledged or not. A checkout
        // cut off between its reservation and its order's write, and not retried, holds units until the product
        // settles them with the order (Stock:CheckReservationsAfter, 15 s): the wait allows for that round.
        var last = "nothing read";
        Dictionary<Guid, int> sold, taken;
        try
        {
            (sold, taken) = await OrleansDelivery.Testing.Wait.UntilAsync(
                async () =>
                {
                    var stock = await StockAsync(cancellationToken);
                    last = string.Join("; ", stock.Taken.Select(pair => $"product {pair.Key}: {pair.Value} taken, {stock.Sold[pair.Key]} in orders"));
                    return stock;
                },
                stock => stock.Taken.All(pair => pair.Value == stock.Sold[pair.Key]),
                TimeSpan.FromSeconds(90),
                "the stock taken from each product to match what the orders hold");
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message} Last read: {last}.", timeout.InnerException);
        }

        // Every tracking connection ends up with every step of its orders, none missing, whichever node it was on.
        foreach (var watcher in _watchers)
        {
            // An order whose subscription was still being retried when the load stopped has nothing to check yet.
            foreach (var orderId in watcher.Subscribed.Where(finalSteps.ContainsKey))
            {
                var expected = Enumerable.Range(1, (int)finalSteps[orderId]).Select(n => (long)n).ToList();
                await OrleansDelivery.Testing.Wait.UntilAsync(
                    () => Task.FromResult(watcher.StepsOf(orderId)),
                    steps => steps.SequenceEqual(expected),
                    TimeSpan.FromSeconds(60),
                    $"the tracking connection (reconnected {watcher.Reconnects} times, now via {watcher.CurrentAddress}) to have steps 1..{finalSteps[orderId]} of order {orderId}, it has [{string.Join(",", watcher.StepsOf(orderId))}]");
            }
        }

        log.WriteLine($"{_orders.Count} orders acknowledged, {_checkoutsRefused} checkouts refused (sold out), " +
            $"scarce product sold {sold[Scarce.Id]} of {Scarce.InitialStock} ({taken[Scarce.Id]} taken from its stock); {Failures.Count} non-success answers; " +
            $"tracking reconnects: [{string.Join(",", _watchers.Select(w => w.Reconnects))}]");
        var caughtUp = Topology.Nodes.Sum(node => File.Exists(_topology.LogOf(node))
            ? File.ReadLines(_topology.LogOf(node)).Count(line => line.Contains("stream had not brought its steps", StringComparison.Ordinal))
            : 0);
        log.WriteLine($"tracking catch-ups on all nodes since the topology started (a watched order's stream missed a step; the relay sent it from the order): {caughtUp}");
        foreach (var group in Failures.GroupBy(f => (f.Status, f.RetryAfter)))
        {
            log.WriteLine($"  {group.Count()} x {group.Key.Status}{(group.Key.RetryAfter ? " with Retry-After" : "")}, e.g. {group.First().Request}: {Shorten(group.First().Detail)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        foreach (var watcher in _watchers)
        {
            await watcher.DisposeAsync();
        }

        foreach (var customer in _customers)
        {
            customer.Dispose();
        }

        _staff.Dispose();
        _stop.Dispose();
    }

    /// <summary>Per product: the units the customers' orders hold, and the units gone from its available stock.</summary>
    private async Task<(Dictionary<Guid, int> Sold, Dictionary<Guid, int> Taken)> StockAsync(CancellationToken cancellationToken)
    {
        var sold = new Dictionary<Guid, int> { [Scarce.Id] = 0, [Plentiful.Id] = 0 };
        foreach (var customer in _customers)
        {
            foreach (var order in await customer.GetOrdersAsync(cancellationToken))
            {
                Assert.NotEqual("Cancelled", order.GetProperty("status").GetString());
                foreach (var line in order.GetProperty("lines").EnumerateArray())
                {
                    sold[line.GetProperty("productId").GetGuid()] += line.GetProperty("quantity").GetInt32();
                }
            }
        }

        var taken = new Dictionary<Guid, int>();
        foreach (var (id, initial) in new[] { Scarce, Plentiful })
        {
            var product = await _staff.SendAsync(HttpMethod.Get, $"/api/products/{id}", null, HttpStatusCode.OK, cancellationToken);
            var stock = product!.Value.GetProperty("stock").GetInt32();
            Assert.True(stock >= 0, $"product {id} has stock {stock}");
            taken[id] = initial - stock;
        }

        return (sold, taken);
    }

    private void AssertNoRegressions() => Assert.True(_regressions.IsEmpty, string.Join(Environment.NewLine, _regressions));

    private static long LastSequence(JsonElement order) =>
        order.GetProperty("statusHistory").EnumerateArray().Max(change => change.GetProperty("sequence").GetInt64());

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "...";

    private async Task<Guid> CreateProductAsync(int stock, CancellationToken cancellationToken)
    {
        var categories = await _staff.SendAsync(HttpMethod.Get, "/api/categories", null, HttpStatusCode.OK, cancellationToken);
        var category = categories!.Value.ValueKind == JsonValueKind.Array ? categories.Value[0] : categories.Value.GetProperty("items")[0];
        var created = await _staff.SendAsync(HttpMethod.Post, "/api/staff/products", new
        {
            name = $"Load test dish {Guid.NewGuid():N}"[..30], description = "Made for the failover tests.", price = 7.5m,
            categoryId = category.GetProperty("id").GetString(), dietaryTags = Array.Empty<string>(), isActive = true, stock,
        }, HttpStatusCode.Created, cancellationToken);
        return created!.Value.GetProperty("id").GetGuid();
    }

    private async Task ShopAsync(Shop customer, Watcher watcher, CancellationToken stop)
    {
        var scarceLeft = true;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var product = scarceLeft ? Scarce.Id : Plentiful.Id;
                if (await customer.SendAsync(HttpMethod.Put, $"/api/cart/items/{product}", new { quantity = 1 }, HttpStatusCode.OK, stop) is null)
                {
                    continue;
                }

                // One key per checkout: a retry after a 503 or a lost answer returns the same order, never a second one.
                var key = Guid.NewGuid().ToString("N");
                var (status, placed) = await customer.ExchangeAsync(HttpMethod.Post, "/api/orders", new
                {
                    deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
                }, HttpStatusCode.Created, stop, key);
                if (placed is null)
                {
                    if (status == HttpStatusCode.Conflict && scarceLeft)
                    {
                        // Sold out: take it out of the cart and go on with the other dish.
                        Interlocked.Increment(ref _checkoutsRefused);
                        scarceLeft = false;
                        await customer.SendAsync(HttpMethod.Delete, $"/api/cart/items/{product}", null, HttpStatusCode.OK, stop);
                    }

                    continue;
                }

                var order = new AcknowledgedOrder(placed.Value.GetProperty("id").GetGuid(), customer);
                Acknowledge(order, placed.Value);
                _orders[order.Id] = order;
                // Subscribing may wait out a draining node; the customer does not stand still meanwhile.
                lock (_subscriptions)
                {
                    _subscriptions.Add(watcher.WatchAsync(order.Id, stop));
                }

                foreach (var step in StaffSteps)
                {
                    var moved = await _staff.SendAsync(HttpMethod.Post, $"/api/staff/orders/{order.Id}/status", new { status = step }, HttpStatusCode.OK, stop);
                    if (moved is null)
                    {
                        break;
                    }

                    Acknowledge(order, moved.Value);
                }

                // A read through any node must never show an older step than one already acknowledged.
                if (await customer.GetOrderAsync(order.Id, stop) is { } read)
                {
                    Acknowledge(order, read);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // A customer who gives up is a failure of the cluster, not of the load: the test reports it.
            _regressions.Enqueue($"customer {customer.CustomerId} gave up: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private void Acknowledge(AcknowledgedOrder order, JsonElement view)
    {
        var sequence = LastSequence(view);
        lock (order)
        {
            if (sequence < order.Sequence)
            {
                _regressions.Enqueue($"order {order.Id} went back from step {order.Sequence} ({order.Status}) to {sequence} ({view.GetProperty("status")})");
                return;
            }

            order.Sequence = sequence;
            order.Status = view.GetProperty("status").GetString()!;
        }
    }
}
