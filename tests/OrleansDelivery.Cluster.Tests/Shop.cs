using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>
/// An answer the load saw that was not what the request asked for: whether it said when to retry, and whether it
/// answered a retry (a non-idempotent request replayed after a 503 may meet its own first attempt's effect). Status 0
/// is no answer at all; <see cref="ConnectionClosed"/> tells whether nginx closed the kept-alive connection the request
/// went out on (the race every HTTP/1.1 client meets when a server closes an idle connection, e.g. on a reload).
/// </summary>
public sealed record Failure(string Request, int Status, bool RetryAfter, string Detail, bool Retried = false, bool ConnectionClosed = false);

/// <summary>
/// A customer or a member of staff talking HTTP to the cluster (through nginx unless told otherwise), as the web client
/// does: a 503 with <c>Retry-After</c> is retried after a pause (a checkout with the same Idempotency-Key); every
/// answer that was not a success is kept in <see cref="Failures"/>.
/// </summary>
public sealed partial class Shop(Uri baseAddress, ConcurrentQueue<Failure> failures) : IDisposable
{
    // Requests caught on a frozen node wait for nginx to give up on it; the cap only stops a hung test.
    private readonly HttpClient _http = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };

    public ConcurrentQueue<Failure> Failures => failures;

    public Guid CustomerId { get; private set; }

    public string? Token { get; private set; }

    public static async Task<Shop> SignUpAsync(Uri baseAddress, ConcurrentQueue<Failure> failures, CancellationToken cancellationToken)
    {
        var shop = new Shop(baseAddress, failures);
        var suffix = Guid.NewGuid().ToString("N")[..10];
        const string password = "correct horse battery";
        var started = await shop.SendAsync(HttpMethod.Post, "/api/auth/signup", new
        {
            login = $"load_{suffix}", email = $"{suffix}@example.com", phone = $"+44 7700 {Random.Shared.Next(100_000, 999_999)}{Random.Shared.Next(10, 99)}",
            password, passwordConfirmation = password, firstName = "Ada", lastName = "Lovelace",
        }, HttpStatusCode.Accepted, cancellationToken);
        var mailbox = await shop.SendAsync(HttpMethod.Get, $"/api/dev/mailbox?to={suffix}%40example.com", null, HttpStatusCode.OK, cancellationToken);
        var code = SixDigits().Match(mailbox!.Value.GetProperty("items")[0].GetProperty("body").GetString()!).Value;
        await shop.SendAsync(HttpMethod.Post, $"/api/auth/signup/{started!.Value.GetProperty("signUpId").GetGuid()}/confirm", new { code }, HttpStatusCode.Created, cancellationToken);
        await shop.SignInAsync($"load_{suffix}", password, cancellationToken);
        return shop;
    }

    public static async Task<Shop> SignInAsync(Uri baseAddress, ConcurrentQueue<Failure> failures, string login, string password, CancellationToken cancellationToken)
    {
        var shop = new Shop(baseAddress, failures);
        await shop.SignInAsync(login, password, cancellationToken);
        return shop;
    }

    /// <summary>
    /// Sends until the answer is not a 503 with Retry-After (or 502/504 from nginx, which the load only retries for
    /// idempotent requests); returns the body when the status is <paramref name="expected"/>, null otherwise.
    /// </summary>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, object? body, HttpStatusCode expected, CancellationToken cancellationToken, string? idempotencyKey = null) =>
        (await ExchangeAsync(method, path, body, expected, cancellationToken, idempotencyKey)).Body;

    /// <summary>As <see cref="SendAsync"/>, with the status of the last answer (0 when none came).</summary>
    public async Task<(HttpStatusCode Status, JsonElement? Body)> ExchangeAsync(
        HttpMethod method, string path, object? body, HttpStatusCode expected, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }

            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }

            if (Token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                // Retried below, as a browser retries a request whose reused connection closed before any answer.
                failures.Enqueue(new Failure(
                    $"{method} {path}", 0, false, $"{exception.HttpRequestError}: {exception.InnerException?.Message ?? exception.Message}", attempt > 1, ClosedBeforeAnswer(exception)));
                if (attempt >= 20)
                {
                    throw;
                }

                await Task.Delay(500, cancellationToken);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == expected)
                {
                    return (expected, response.Content.Headers.ContentLength == 0 ? default(JsonElement) : await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken));
                }

                var retryAfter = response.Headers.RetryAfter?.Delta;
                failures.Enqueue(new Failure($"{method} {path}", (int)response.StatusCode, retryAfter is not null, await response.Content.ReadAsStringAsync(cancellationToken), attempt > 1));
                var retriable = response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is not null
                    || (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout && (method == HttpMethod.Get || method == HttpMethod.Put || idempotencyKey is not null));
                if (!retriable || attempt >= 40)
                {
                    return (response.StatusCode, null);
                }

                // Retry-After says 2 s; the load retries sooner so a failover shows up as a burst of retries, not a pause.
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Min(attempt, 4)), cancellationToken);
            }
        }
    }

    public async Task<JsonElement?> GetOrderAsync(Guid orderId, CancellationToken cancellationToken) =>
        await SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", null, HttpStatusCode.OK, cancellationToken);

    /// <summary>Every order of this customer, as the order history lists it.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetOrdersAsync(CancellationToken cancellationToken)
    {
        var orders = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var body = await SendAsync(HttpMethod.Get, $"/api/orders?page={page}&pageSize=100", null, HttpStatusCode.OK, cancellationToken)
                ?? throw new InvalidOperationException("The order history could not be read.");
            orders.AddRange(body.GetProperty("items").EnumerateArray());
            if (orders.Count >= body.GetProperty("total").GetInt32())
            {
                return orders;
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task SignInAsync(string login, string password, CancellationToken cancellationToken)
    {
        var session = await SendAsync(HttpMethod.Post, "/api/auth/signin", new { login, password }, HttpStatusCode.OK, cancellationToken)
            ?? throw new InvalidOperationException($"{login} could not sign in.");
        Token = session.GetProperty("token").GetString();
        CustomerId = session.GetProperty("customerId").GetGuid();
    }

    /// <summary>
    /// The connection was closed under the request (the peer reset it, or ended it before a response began), as
    /// opposed to a connection that could not be opened or a malformed answer.
    /// </summary>
    private static bool ClosedBeforeAnswer(HttpRequestException exception) =>
        exception.HttpRequestError == HttpRequestError.ResponseEnded
            || exception.InnerException is IOException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionReset } };

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
