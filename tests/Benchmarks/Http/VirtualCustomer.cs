using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansDelivery.Benchmarks.Http;

/// <summary>
/// One customer of the load: its own <see cref="HttpClient"/> over a <see cref="SocketsHttpHandler"/> (so its own
/// keep-alive connection, as a phone or browser would have), signed up, confirmed and signed in once, then ordering
/// one product at a time over the public API.
/// </summary>
internal sealed partial class VirtualCustomer(HttpClient http) : IDisposable
{
    private const string Password = "benchmark password";

    /// <summary>What every checkout sends; the echo baseline sends the same bytes.</summary>
    public static readonly byte[] CheckoutBody = JsonSerializer.SerializeToUtf8Bytes(new
    {
        deliveryMethod = "Pickup",
        paymentType = "CashOnDelivery",
        contactName = "Benchmark Customer",
        contactPhone = "+44 7700 900123",
    });

    private static readonly byte[] OneItemBody = Encoding.UTF8.GetBytes("""{"quantity":1}""");

    public static HttpClient CreateClient(Uri baseAddress) => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = baseAddress,
    };

    /// <summary>Signs up, reads the code from the development mailbox, confirms, and signs in for a bearer token.</summary>
    public static async Task<VirtualCustomer> SignUpAndSignInAsync(int number, Uri baseAddress, string run)
    {
        var http = CreateClient(baseAddress);
        var login = $"bench_{run}_{number}";
        var email = $"{login}@example.com";
        var signUp = await http.PostAsJsonAsync("/api/auth/signup", new
        {
            login,
            email,
            phone = $"+44 7700 9{number.ToString("D5", CultureInfo.InvariantCulture)}",
            password = Password,
            passwordConfirmation = Password,
            firstName = "Bench",
            lastName = $"Customer {number}",
        });
        var signUpId = (await ReadAsync(signUp, HttpStatusCode.Accepted)).GetProperty("signUpId").GetGuid();

        var mailbox = await ReadAsync(await http.GetAsync($"/api/dev/mailbox?to={Uri.EscapeDataString(email)}"), HttpStatusCode.OK);
        var code = SixDigits().Match(mailbox.GetProperty("items")[0].GetProperty("body").GetString()!).Value;
        await ReadAsync(await http.PostAsJsonAsync($"/api/auth/signup/{signUpId}/confirm", new { code }), HttpStatusCode.Created);

        var signIn = await http.PostAsJsonAsync("/api/auth/signin", new { login, password = Password });
        var token = (await ReadAsync(signIn, HttpStatusCode.OK)).GetProperty("token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new VirtualCustomer(http);
    }

    /// <summary>
    /// One order: put one unit of the product in the cart, then check out with a fresh Idempotency-Key. Returns the
    /// ticks the checkout alone took; throws when either answer is not the success the API promises.
    /// </summary>
    public async Task<long> OrderAsync(Guid productId)
    {
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"/api/cart/items/{productId}") { Content = Json(OneItemBody) })
        using (var added = await http.SendAsync(put))
        {
            await EnsureAsync(added, HttpStatusCode.OK);
        }

        var start = Stopwatch.GetTimestamp();
        using var checkout = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = Json(CheckoutBody) };
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var placed = await http.SendAsync(checkout);
        await EnsureAsync(placed, HttpStatusCode.Created);
        return Stopwatch.GetTimestamp() - start;
    }

    /// <summary>The baseline request: the checkout's body to the echo endpoint and back.</summary>
    public static async Task EchoAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/bench/echo") { Content = Json(CheckoutBody) };
        using var response = await client.SendAsync(request);
        await EnsureAsync(response, HttpStatusCode.OK);
    }

    public void Dispose() => http.Dispose();

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Reads the whole answer, as a client would, and fails the run on anything but the expected status.</summary>
    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {Encoding.UTF8.GetString(body)}");
        }
    }

    /// <summary>The JSON body of an answer with the expected status; disposes the answer.</summary>
    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return response.StatusCode == expected
                ? JsonDocument.Parse(body).RootElement.Clone()
                : throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {body}");
        }
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
