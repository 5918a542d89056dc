using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Host.Tests;

/// <summary>An operator's view of one node: the dashboard and metrics behind a key, probes, the business view and meter.</summary>
public sealed class OperationsTests(OperationsTests.OperationsHost host) : IClassFixture<OperationsTests.OperationsHost>
{
    public const string OperatorKey = "operations-tests-operator-key";

    private DeliveryApplication App => host.App;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public sealed class OperationsHost : IAsyncDisposable
    {
        public DeliveryApplication App { get; } = DeliveryApplication.With(new Dictionary<string, string?> { ["Operations:DashboardKey"] = OperatorKey });

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private HttpClient Operator()
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Operator-Key", OperatorKey);
        return client;
    }

    [Theory]
    [InlineData("/dashboard/index.html")]
    [InlineData("/dashboard/DashboardCounters")]
    [InlineData("/metrics")]
    public async Task Anonymous_users_and_customers_are_refused_outside_development(string path)
    {
        using var anonymous = App.CreateClient();
        using var wrongKey = App.CreateClient();
        wrongKey.DefaultRequestHeaders.Add("X-Operator-Key", "not-the-operator-key-at-all");
        var (_, customer) = await App.SignedInCustomerAsync();
        using (customer)
        {
            using var anonymousAnswer = await anonymous.GetAsync(path, Cancellation);
            using var wrongKeyAnswer = await wrongKey.GetAsync(path, Cancellation);
            using var customerAnswer = await customer.GetAsync(path, Cancellation);

            Assert.Equal(HttpStatusCode.Unauthorized, anonymousAnswer.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrongKeyAnswer.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, customerAnswer.StatusCode);
        }
    }

    [Fact]
    public async Task An_admin_and_the_operator_key_open_the_dashboard_whose_trace_page_is_off()
    {
        using var admin = await App.SignedInAdminAsync();
        using var keyHolder = Operator();
        using var cookieHolder = App.CreateClient();
        using var viaCookie = new HttpRequestMessage(HttpMethod.Get, "/dashboard/index.html");
        viaCookie.Headers.Add("Cookie", $"od_operator_key={OperatorKey}");

        using var adminPageRequest = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        adminPageRequest.Headers.Add("Accept-Encoding", "gzip, br");
        using var adminPage = await admin.SendAsync(adminPageRequest, Cancellation);
        using var keyCounters = await keyHolder.GetAsync("/dashboard/DashboardCounters", Cancellation);
        using var cookiePage = await cookieHolder.SendAsync(viaCookie, Cancellation);
        using var trace = await keyHolder.GetAsync("/dashboard/Trace", Cancellation);

        Assert.Equal(HttpStatusCode.OK, adminPage.StatusCode);
        var html = await adminPage.Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        // The dashboard's own page links to the business view.
        Assert.Contains("id=\"od-business-view\" href=\"/staff/operations\"", html, StringComparison.Ordinal);
        Assert.Equal(adminPage.Content.Headers.ContentLength ?? html.Length, Encoding.UTF8.GetByteCount(html));
        Assert.Equal(HttpStatusCode.OK, keyCounters.StatusCode);
        var counters = await keyCounters.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(1, counters.GetProperty("hosts").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, cookiePage.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, trace.StatusCode);
    }

    [Fact]
    public async Task Liveness_is_up_and_readiness_names_its_passing_checks()
    {
        using var anonymous = App.CreateClient();

        using var live = await anonymous.GetAsync("/health/live", Cancellation);
        using var ready = await anonymous.GetAsync("/health/ready", Cancellation);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (await live.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = await ready.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("Healthy", report.GetProperty("status").GetString());
        Assert.Equal(
            [("grain", "Healthy"), ("silo", "Healthy")],
            report.GetProperty("checks").EnumerateArray().Select(check => (check.GetProperty("name").GetString(), check.GetProperty("status").GetString())).Order());
    }

    [Fact]
    public async Task The_business_meter_counts_orders_placed_paid_cancelled_and_delivered_and_times_checkouts()
    {
        using var meter = new BusinessMeter(App);
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            var delivered = (await DeliveryApplication.PlaceOrderAsync(client)).GetProperty("id").GetGuid();
            var cancelled = (await DeliveryApplication.PlaceOrderAsync(client)).GetProperty("id").GetGuid();
            await App.DeliverAsync(delivered);
            using var cancel = await client.PostAsJsonAsync($"/api/orders/{cancelled}/cancel", new { reason = "Changed my mind" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        Assert.Equal(2, meter.Sum("orleansdelivery.orders.placed"));
        Assert.Equal(1, meter.Sum("orleansdelivery.orders.delivered"));
        Assert.Equal(1, meter.Sum("orleansdelivery.orders.cancelled"));
        Assert.Equal(1, meter.Sum("orleansdelivery.orders.paid"));
        Assert.Equal(1, meter.Sum("orleansdelivery.payments", ("payment.outcome", "confirmed_at_door")));
        Assert.Equal(2, meter.Count("orleansdelivery.checkout.duration"));
        Assert.Contains(App.Logs.Messages("OrleansDelivery.Grains.Orders.OrderGrain"), line => line.Contains("cancelled by customer: Changed my mind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_in_prometheus_text_show_orders_and_orleans_own_meters()
    {
        using var scraper = Operator();
        var (_, client) = await App.SignedInCustomerAsync();
        using (client)
        {
            await DeliveryApplication.PlaceOrderAsync(client);
        }

        // The exporter caches a scrape briefly, so the order may show in a later one.
        var text = await Wait.UntilAsync(
            () => scraper.GetStringAsync("/metrics", Cancellation),
            scraped => scraped.Contains("orleansdelivery_orders_placed_total{", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the order to be counted in /metrics");

        Assert.Contains("orleansdelivery_checkout_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Contains("orleans_", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_see_the_business_view_change_as_orders_flow()
    {
        var (_, staff) = await App.SignedInStaffAsync();
        var (_, customer) = await App.SignedInCustomerAsync();
        using (staff)
        using (customer)
        {
            var before = await staff.GetFromJsonAsync<JsonElement>("/api/staff/operations", Cancellation);
            var delivered = (await DeliveryApplication.PlaceItemOrderAsync(customer)).GetProperty("id").GetGuid();
            var waiting = (await DeliveryApplication.PlaceItemOrderAsync(customer)).GetProperty("id").GetGuid();
            await App.DeliverAsync(delivered);
            var declined = (await DeliveryApplication.PlaceOrderAsync(customer, "Card")).GetProperty("id").GetGuid();
            using var pay = await customer.PostAsJsonAsync(
                $"/api/orders/{declined}/payment",
                new { card = new { number = "4000 0000 0000 0002", expiryMonth = 12, expiryYear = DateTime.UtcNow.Year + 3, cvc = "123", holder = "Ada Lovelace" } },
                Cancellation);
            Assert.Equal(HttpStatusCode.PaymentRequired, pay.StatusCode);

            var after = await Wait.UntilAsync(
                () => staff.GetFromJsonAsync<JsonElement>("/api/staff/operations", Cancellation),
                view => view.GetProperty("placedToday").GetInt32() >= Placed(before) + 3
                    && view.GetProperty("paymentFailuresToday").GetInt32() > before.GetProperty("paymentFailuresToday").GetInt32()
                    && view.GetProperty("ordersByStatus").GetProperty("Delivered").GetInt32() > before.GetProperty("ordersByStatus").GetProperty("Delivered").GetInt32(),
                TimeSpan.FromSeconds(30),
                "the business view to count the orders");

            Assert.True(after.GetProperty("ordersPerMinute").EnumerateArray().Sum(minute => minute.GetInt32()) >= 3);
            Assert.True(after.GetProperty("revenueToday").GetProperty("EUR").GetDecimal() > (before.GetProperty("revenueToday").TryGetProperty("EUR", out var earlier) ? earlier.GetDecimal() : 0));
            Assert.Equal(1, after.GetProperty("delivery").GetProperty("samples").GetInt32() - before.GetProperty("delivery").GetProperty("samples").GetInt32());
            Assert.True(after.GetProperty("cooking").GetProperty("estimateMinutes").GetDouble() > 0);
            Assert.Contains(after.GetProperty("recentPaymentFailures").EnumerateArray(), failure => failure.GetProperty("orderId").GetGuid() == declined);
            Assert.Contains(after.GetProperty("slowestInProgress").EnumerateArray(), order => order.GetProperty("orderId").GetGuid() == waiting);
            Assert.DoesNotContain(after.GetProperty("slowestInProgress").EnumerateArray(), order => order.GetProperty("orderId").GetGuid() == delivered);
        }

        static int Placed(JsonElement view) => view.GetProperty("placedToday").GetInt32();
    }

    [Fact]
    public async Task The_business_view_is_for_staff_only()
    {
        using var anonymous = App.CreateClient();
        var (_, customer) = await App.SignedInCustomerAsync();
        using (customer)
        {
            using var anonymousAnswer = await anonymous.GetAsync("/api/staff/operations", Cancellation);
            using var customerAnswer = await customer.GetAsync("/api/staff/operations", Cancellation);

            Assert.Equal(HttpStatusCode.Unauthorized, anonymousAnswer.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, customerAnswer.StatusCode);
        }
    }

    /// <summary>Listens to this host's business meter only (another host in the process has a meter of its own).</summary>
    private sealed class BusinessMeter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public BusinessMeter(DeliveryApplication app)
        {
            var factory = app.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "OrleansDelivery" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public double Sum(string instrument, params (string Key, string Value)[] tags) =>
            _measurements.Where(m => m.Instrument == instrument && tags.All(tag => m.Tags.Any(t => t.Key == tag.Key && Equals(t.Value, tag.Value)))).Sum(m => m.Value);

        public int Count(string instrument) => _measurements.Count(m => m.Instrument == instrument);

        public void Dispose() => _listener.Dispose();
    }
}
