using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Tests;

/// <summary>
/// The real host (<see cref="Program"/>) with its co-hosted silo, in memory by default. Each instance takes free
/// silo and gateway ports, so several can run at once; <see cref="Settings"/> overrides any configuration key.
/// </summary>
public sealed class DeliveryApplication : WebApplicationFactory<Program>
{
    public DeliveryApplication()
    {
        Settings = new Dictionary<string, string?>
        {
            ["Cluster:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Auth:Admin:Login"] = AdminLogin,
            ["Auth:Admin:Email"] = "admin@orleans-delivery.example",
            ["Auth:Admin:Password"] = AdminPassword,
        };
    }

    public const string AdminLogin = "first_admin";

    /// <summary>Made up per host, as an operator would set it: the product has no built-in password.</summary>
    public string AdminPassword { get; } = $"admin-{Guid.NewGuid():N}";

    /// <summary>A host with these settings on top of the defaults (free ports, in-memory mode).</summary>
    public static DeliveryApplication With(IReadOnlyDictionary<string, string?> settings)
    {
        var app = new DeliveryApplication();
        foreach (var (key, value) in settings)
        {
            app.Settings[key] = value;
        }

        return app;
    }

    public Dictionary<string, string?> Settings { get; }

    /// <summary>Everything the host logged at Information or above.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A node in <c>Postgres</c> mode on the given database, in cluster <paramref name="clusterId"/>.</summary>
    public static DeliveryApplication OnPostgres(string connectionString, string clusterId = "test") => With(new Dictionary<string, string?>
    {
        ["Cluster:Mode"] = "Postgres",
        ["Cluster:ClusterId"] = clusterId,
        ["ConnectionStrings:Postgres"] = connectionString,
    });

    /// <summary>What a monitoring probe sees at <c>GET /health</c>: the status code and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync()
    {
        using var client = CreateClient();
        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (response.StatusCode, body);
    }

    /// <summary>Someone signing up with fresh, valid details; the returned values are what they typed.</summary>
    public async Task<NewCustomer> SignUpAsync(string password = "correct horse battery")
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var customer = new NewCustomer($"user_{suffix}", $"{suffix}@example.com", $"+44 7700 {Random.Shared.Next(100_000, 999_999)}{Random.Shared.Next(10, 99)}", password);
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/signup", new
        {
            customer.Login, customer.Email, customer.Phone, password, passwordConfirmation = password, firstName = "Ada", lastName = "Lovelace",
        }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(response, HttpStatusCode.Accepted, Logs);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return customer with { SignUpId = body.GetProperty("signUpId").GetGuid() };
    }

    /// <summary>The code of the newest email to an address, read from the development mailbox.</summary>
    public async Task<string> ReadCodeAsync(string email)
    {
        using var client = CreateClient();
        var mailbox = await client.GetFromJsonAsync<JsonElement>($"/api/dev/mailbox?to={Uri.EscapeDataString(email)}", TestContext.Current.CancellationToken);
        var body = mailbox.GetProperty("items")[0].GetProperty("body").GetString()!;
        return System.Text.RegularExpressions.Regex.Match(body, @"\b\d{6}\b").Value;
    }

    /// <summary>Signs up, confirms with the mailed code and signs in; returns a client that sends the session token.</summary>
    public async Task<(NewCustomer Customer, HttpClient Client)> SignedInCustomerAsync()
    {
        var customer = await SignUpAsync();
        using var anonymous = CreateClient();
        using var confirmed = await anonymous.PostAsJsonAsync(
            $"/api/auth/signup/{customer.SignUpId}/confirm", new { code = await ReadCodeAsync(customer.Email) }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(confirmed, HttpStatusCode.Created, Logs);
        using var signIn = await anonymous.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = customer.Password }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(signIn, HttpStatusCode.OK, Logs);
        var session = await signIn.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        return (customer with { Id = session.GetProperty("customerId").GetGuid() }, client);
    }

    /// <summary>
    /// Fails unless the response has the expected status, saying what the host answered and the errors it logged: a
    /// helper's unexpected 500 under load is otherwise a bare status code with nothing to go on.
    /// </summary>
    public static async Task ExpectStatusAsync(HttpResponseMessage response, HttpStatusCode expected, CapturedLogs? logs = null)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered "
                + $"{(int)response.StatusCode}, not {(int)expected}: {body}\nHost errors:\n{string.Join("\n", logs?.RecentErrors(5) ?? [])}");
        }
    }

    /// <summary>Signs in as the configured first admin (who may do everything staff may).</summary>
    public Task<HttpClient> SignedInAdminAsync() => SignInAsync(AdminLogin, AdminPassword);

    /// <summary>A new customer the admin made staff, signed in again so the session carries the role.</summary>
    public async Task<(NewCustomer Customer, HttpClient Client)> SignedInStaffAsync()
    {
        var (customer, client) = await SignedInCustomerAsync();
        client.Dispose();
        using var admin = await SignedInAdminAsync();
        using var promoted = await admin.PutAsJsonAsync($"/api/staff/customers/{customer.Id}/role", new { role = "Staff" }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(promoted, HttpStatusCode.NoContent, Logs);
        return (customer, await SignInAsync(customer.Login, customer.Password));
    }

    /// <summary>Signs in with a login and password; returns a client that sends the session token as a bearer.</summary>
    public async Task<HttpClient> SignInAsync(string login, string password)
    {
        using var anonymous = CreateClient();
        using var signIn = await anonymous.PostAsJsonAsync("/api/auth/signin", new { login, password }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(signIn, HttpStatusCode.OK, Logs);
        var session = await signIn.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        return client;
    }

    /// <summary>A product of the demo catalogue by name, as <c>GET /api/products/{id}</c> shows it now.</summary>
    public static async Task<JsonElement> FindProductAsync(HttpClient client, string name)
    {
        var page = await OrleansDelivery.Testing.Wait.UntilAsync(
            () => client.GetFromJsonAsync<JsonElement>($"/api/products?q={Uri.EscapeDataString(name)}", TestContext.Current.CancellationToken),
            found => found.GetProperty("items").EnumerateArray().Any(p => p.GetProperty("name").GetString() == name),
            TimeSpan.FromSeconds(60),
            $"{name} to be listed");
        var id = page.GetProperty("items").EnumerateArray().First(p => p.GetProperty("name").GetString() == name).GetProperty("id").GetGuid();
        return await client.GetFromJsonAsync<JsonElement>($"/api/products/{id}", TestContext.Current.CancellationToken);
    }

    /// <summary>A live-tracking connection to <c>/hubs/orders</c> over this host's WebSockets, as the client of <paramref name="api"/>.</summary>
    public async Task<HubConnection> ConnectTrackingAsync(HttpClient api, bool start = true)
    {
        var token = api.DefaultRequestHeaders.Authorization?.Parameter;
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Server.BaseAddress, "hubs/orders"), options =>
            {
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult(token);
                options.WebSocketFactory = async (context, cancellation) =>
                {
                    // The transport would put the token on the socket's own options; the test server's client takes it here.
                    var socket = Server.CreateWebSocketClient();
                    socket.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {token}";
                    return await socket.ConnectAsync(context.Uri, cancellation);
                };
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        if (start)
        {
            await connection.StartAsync(TestContext.Current.CancellationToken);
        }

        return connection;
    }

    /// <summary>
    /// Puts <paramref name="quantity"/> of a demo product into the cart and checks out for pickup, paying by
    /// <paramref name="paymentType"/>; returns the order as <c>POST /api/orders</c> answered it.
    /// </summary>
    public static async Task<JsonElement> PlaceOrderAsync(HttpClient client, string paymentType, string productName = "Margherita", int quantity = 1)
    {
        var product = await FindProductAsync(client, productName);
        using var added = await client.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(added, HttpStatusCode.OK);
        using var placed = await client.PostAsJsonAsync(
            "/api/orders", new { deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(placed, HttpStatusCode.Created);
        return await placed.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Puts one unit of a demo product in the cart and checks out (delivery on foot); returns the order placed.</summary>
    public static async Task<JsonElement> PlaceItemOrderAsync(HttpClient client, string productName = "Sparkling Water 0.5 l", string paymentType = "CashOnDelivery")
    {
        var product = await FindProductAsync(client, productName);
        using var added = await client.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity = 1 }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(added, HttpStatusCode.OK);
        using var placed = await client.PostAsJsonAsync("/api/orders", new
        {
            deliveryMethod = "OnFoot", deliveryAddress = "12 Baker Street, London", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType,
        }, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(placed, HttpStatusCode.Created);
        return await placed.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Puts demo products in the cart (a Margherita when none are named) and checks out, cash on delivery on foot;
    /// returns the order as placed.
    /// </summary>
    public static async Task<JsonElement> PlaceOrderAsync(HttpClient client, params (string Product, int Quantity)[] lines)
    {
        foreach (var (product, quantity) in lines.Length == 0 ? [("Margherita", 1)] : lines)
        {
            var id = (await FindProductAsync(client, product)).GetProperty("id").GetGuid();
            using var put = await client.PutAsJsonAsync($"/api/cart/items/{id}", new { quantity }, TestContext.Current.CancellationToken);
            await ExpectStatusAsync(put, HttpStatusCode.OK);
        }

        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new
            {
                deliveryMethod = "OnFoot", deliveryAddress = "12 Baker Street, London", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery",
            }),
        };
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var placed = await client.SendAsync(checkout, TestContext.Current.CancellationToken);
        await ExpectStatusAsync(placed, HttpStatusCode.Created);
        return await placed.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Walks a confirmed order through the kitchen and the courier to Delivered, as staff would.</summary>
    public async Task DeliverAsync(Guid orderId)
    {
        var order = Services.GetRequiredService<IGrainFactory>().GetGrain<IOrderGrain>(orderId);
        foreach (var status in new[] { OrderStatus.Cooking, OrderStatus.ReadyForDelivery, OrderStatus.OutForDelivery, OrderStatus.Delivered })
        {
            Assert.IsType<TransitionResult.Changed>(await order.AdvanceAsync(status, "staff"));
        }
    }

    /// <summary>Starts the host now (the factory otherwise starts on first use), surfacing start-up failures.</summary>
    public DeliveryApplication Start()
    {
        _ = Server;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));

        // Host settings reach the configuration before Program reads it; ConfigureAppConfiguration would come too late.
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public sealed record NewCustomer(string Login, string Email, string Phone, string Password)
    {
        public Guid SignUpId { get; init; }

        public Guid Id { get; init; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
