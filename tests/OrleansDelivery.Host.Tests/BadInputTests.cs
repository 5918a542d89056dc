using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansDelivery.Host.Tests;

/// <summary>
/// Bad input never yields a 500. Every operation of the OpenAPI document (so every endpoint, including ones added
/// later) gets malformed JSON, wrong types, huge, negative and zero numbers, overlong strings, unknown enum values,
/// unknown ids and a body over 1 MB; each answer must be a 4xx problem (or, for a value that is merely unusual, a
/// success). A table of known-invalid requests then expects the exact 4xx, and injection-looking text comes back as
/// it was stored.
/// </summary>
public sealed class BadInputTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private const string Injection = "'; DROP TABLE orleansstorage; -- <script>alert(1)</script> {{7*7}} ${jndi:ldap://x} ../../etc/passwd %s%n";

    /// <summary>Operations that take no input worth sending badly, or whose success would end the test's session.</summary>
    private static readonly HashSet<string> NotFuzzed = ["POST /api/auth/signout", "DELETE /api/me"];

    private static readonly string[] ProtectedPrefixes =
        ["/api/me", "/api/cart", "/api/orders", "/api/staff", "/api/favorites", "/api/notifications", "/api/sales", "/api/stats", "/api/recommendations"];

    public sealed record Operation(string Method, string Path, JsonElement Definition)
    {
        public override string ToString() => $"{Method} {Path}";
    }

    private async Task<(JsonElement Document, List<Operation> Operations)> OperationsAsync()
    {
        using var client = app.CreateClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancellation);
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                operations.Add(new Operation(method.Name.ToUpperInvariant(), path.Name, method.Value));
            }
        }

        Assert.True(operations.Count >= 30, $"the OpenAPI document lists only {operations.Count} operations");
        return (document, operations);
    }

    private static string Concrete(Operation operation) =>
        System.Text.RegularExpressions.Regex.Replace(operation.Path, "{[^}]+}", match =>
            Parameter(operation, match.Value.Trim('{', '}')) is { } schema && schema.TryGetProperty("format", out var format) && format.GetString() == "uuid"
                ? Guid.NewGuid().ToString()
                : "no-such-thing");

    private static JsonElement? Parameter(Operation operation, string name) =>
        operation.Definition.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateArray().Where(p => p.GetProperty("name").GetString() == name).Select(p => (JsonElement?)p.GetProperty("schema")).FirstOrDefault()
            : null;

    private static async Task AssertProblemOrSuccessAsync(HttpResponseMessage response, string what)
    {
        var status = (int)response.StatusCode;
        Assert.True(status < 500, $"{what} answered {status}: {await response.Content.ReadAsStringAsync(Cancellation)}");
        if (status >= 400)
        {
            Assert.True(
                response.Content.Headers.ContentType?.MediaType == "application/problem+json",
                $"{what} answered {status} without problem details ({response.Content.Headers.ContentType})");
        }
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        Assert.True(response.StatusCode == expected, $"{what} answered {(int)response.StatusCode}, not {(int)expected}: {await response.Content.ReadAsStringAsync(Cancellation)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        return await client.SendAsync(request, Cancellation);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Every_body_that_is_not_json_an_object_or_small_enough_is_a_400_or_413_problem()
    {
        var (_, operations) = await OperationsAsync();
        using var admin = await app.SignedInAdminAsync();
        var oversized = "{\"name\":\"" + new string('x', 1024 * 1024 + 10) + "\"}";
        foreach (var operation in operations.Where(o => o.Definition.TryGetProperty("requestBody", out _)))
        {
            var path = Concrete(operation);
            foreach (var malformed in new[] { "{\"quantity\":", "not json", "[1,2,3]", "\"a string\"", "{\"a\":1,}" })
            {
                using var response = await SendAsync(admin, operation.Method, path, Json(malformed));
                await AssertProblemAsync(response, HttpStatusCode.BadRequest, $"{operation} with body {malformed}");
            }

            using var tooLarge = await SendAsync(admin, operation.Method, path, Json(oversized));
            await AssertProblemAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, $"{operation} with a body over 1 MB");
        }
    }

    [Fact]
    public async Task Every_field_of_every_body_survives_wrong_types_extreme_numbers_overlong_text_and_unknown_enum_values()
    {
        var (document, operations) = await OperationsAsync();
        using var admin = await app.SignedInAdminAsync();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var operation in operations.Where(o => !NotFuzzed.Contains(o.ToString()) && o.Definition.TryGetProperty("requestBody", out _)))
        {
            var schema = Resolve(schemas, operation.Definition.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
            if (!schema.TryGetProperty("properties", out var properties))
            {
                continue;
            }

            var path = Concrete(operation);
            using (var empty = await SendAsync(admin, operation.Method, path, Json("{}")))
            {
                await AssertProblemOrSuccessAsync(empty, $"{operation} with every field missing");
            }

            foreach (var property in properties.EnumerateObject())
            {
                foreach (var value in BadValues(schemas, property.Value))
                {
                    var body = new JsonObject { [property.Name] = value?.DeepClone() };
                    using var response = await SendAsync(admin, operation.Method, path, Json(body.ToJsonString()));
                    var shown = value?.ToJsonString() ?? "null";
                    await AssertProblemOrSuccessAsync(response, $"{operation} with {property.Name} = {shown[..Math.Min(shown.Length, 60)]}");
                }
            }
        }
    }

    [Fact]
    public async Task Every_query_and_route_value_of_the_wrong_kind_is_a_problem_never_a_500()
    {
        var (_, operations) = await OperationsAsync();
        using var admin = await app.SignedInAdminAsync();
        foreach (var operation in operations.Where(o => !NotFuzzed.Contains(o.ToString()) && o.Definition.TryGetProperty("parameters", out _)))
        {
            var body = operation.Definition.TryGetProperty("requestBody", out _) ? "{}" : null;
            foreach (var parameter in operation.Definition.GetProperty("parameters").EnumerateArray())
            {
                var name = parameter.GetProperty("name").GetString()!;
                foreach (var value in new[] { "abc", "-1", "0", "99999999999999999999", new string('q', 5000), "NoSuchValue", Injection, "2026-13-45" })
                {
                    var path = parameter.GetProperty("in").GetString() == "path"
                        ? operation.Path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal)
                        : $"{Concrete(operation)}?{name}={Uri.EscapeDataString(value)}";
                    path = System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", Guid.NewGuid().ToString());
                    using var response = await SendAsync(admin, operation.Method, path, body is null ? null : Json(body));
                    await AssertProblemOrSuccessAsync(response, $"{operation} with {name} = {value[..Math.Min(value.Length, 40)]}");
                }
            }
        }
    }

    [Fact]
    public async Task Every_customer_endpoint_asks_an_anonymous_caller_to_sign_in()
    {
        var (_, operations) = await OperationsAsync();
        using var anonymous = app.CreateClient();
        foreach (var operation in operations.Where(o => ProtectedPrefixes.Any(prefix => o.Path.StartsWith(prefix, StringComparison.Ordinal))))
        {
            using var response = await SendAsync(anonymous, operation.Method, Concrete(operation), operation.Definition.TryGetProperty("requestBody", out _) ? Json("{}") : null);
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, operation.ToString());
        }
    }

    public static TheoryData<string, string, string, int> KnownInvalid => new()
    {
        // Sign-up: missing fields, invalid email and phone, overlong and wrong-typed values.
        { "POST", "/api/auth/signup", "{}", 400 },
        { "POST", "/api/auth/signup", """{"login":"ok_login","email":"not-an-email","phone":"12","password":"correct horse","passwordConfirmation":"correct horse","firstName":"A","lastName":"B"}""", 400 },
        { "POST", "/api/auth/signup", """{"login":"ok_login","email":"a@example.com","phone":"+44 20 7946 0958","password":"correct horse","passwordConfirmation":"correct horse","firstName":"%LONG%","lastName":"B"}""", 400 },
        { "POST", "/api/auth/signup", """{"login":42}""", 400 },
        { "POST", "/api/auth/signup/00000000-0000-0000-0000-000000000001/confirm", """{"code":"12345x"}""", 400 },
        { "POST", "/api/auth/signup/00000000-0000-0000-0000-000000000001/confirm", """{"code":"123456"}""", 404 },
        { "POST", "/api/auth/signin", "{}", 401 },
        // Cart: zero is "remove", but negative, huge and non-integer quantities and unknown products are refused.
        { "PUT", "/api/cart/items/%PRODUCT%", """{"quantity":-1}""", 400 },
        { "PUT", "/api/cart/items/%PRODUCT%", """{"quantity":1000000}""", 400 },
        { "PUT", "/api/cart/items/%PRODUCT%", """{"quantity":2147483648}""", 400 },
        { "PUT", "/api/cart/items/%PRODUCT%", """{"quantity":1.5}""", 400 },
        { "PUT", "/api/cart/items/%PRODUCT%", """{"quantity":"two"}""", 400 },
        { "PUT", "/api/cart/items/%PRODUCT%", """{"quantity":1,"note":"%LONG%"}""", 400 },
        { "PUT", "/api/cart/items/%UNKNOWN%", """{"quantity":1}""", 404 },
        { "PUT", "/api/cart/items/%PRODUCT%", """{"quantity":1,"note":"nul \u0000 inside"}""", 400 },
        { "PUT", "/api/cart/items/not-a-guid", """{"quantity":1}""", 404 },
        // Checkout: unknown enum values, missing contact, invalid phone.
        { "POST", "/api/orders", """{"deliveryMethod":"Teleport","paymentType":"CashOnDelivery","contactName":"Ada","contactPhone":"+44 20 7946 0958"}""", 400 },
        { "POST", "/api/orders", """{"deliveryMethod":"Pickup","paymentType":"Barter","contactName":"Ada","contactPhone":"+44 20 7946 0958"}""", 400 },
        { "POST", "/api/orders", """{"deliveryMethod":"Car","paymentType":"CashOnDelivery","contactName":"Ada","contactPhone":"call me"}""", 400 },
        { "POST", "/api/orders", """{"deliveryMethod":"Car","paymentType":"CashOnDelivery"}""", 400 },
        { "POST", "/api/orders", """{"deliveryMethod":"Pickup","paymentType":"CashOnDelivery","contactName":"Ada","contactPhone":"+44 20 7946 0958","specialRequests":"esc \u001b[31m"}""", 400 },
        { "GET", "/api/orders?status=Lost", "", 400 },
        { "GET", "/api/orders?page=0", "", 400 },
        { "GET", "/api/orders?pageSize=101", "", 400 },
        { "GET", "/api/orders/%UNKNOWN%", "", 404 },
        { "POST", "/api/orders/%UNKNOWN%/cancel", "{}", 404 },
        // Profile and settings.
        { "PUT", "/api/me", """{"firstName":"A","lastName":"B","email":"a@@b","phone":"+44 20 7946 0958"}""", 400 },
        { "PUT", "/api/me/settings", """{"preferredChannel":"Pigeon"}""", 400 },
        { "PUT", "/api/me/password", """{"currentPassword":"x","newPassword":"short","newPasswordConfirmation":"short"}""", 400 },
        // Staff: zero, negative and huge prices and stock changes, unknown ids.
        { "POST", "/api/staff/products", """{"name":"Soup","price":0,"categoryId":"pizza"}""", 400 },
        { "POST", "/api/staff/products", """{"name":"Soup","price":-3,"categoryId":"pizza"}""", 400 },
        { "POST", "/api/staff/products", """{"name":"Soup","price":1e30,"categoryId":"pizza"}""", 400 },
        { "POST", "/api/staff/products", """{"name":"Soup","price":1.001,"categoryId":"pizza"}""", 400 },
        { "POST", "/api/staff/products/%PRODUCT%/stock", """{"delta":0}""", 400 },
        { "POST", "/api/staff/products/%PRODUCT%/stock", """{"delta":99999999}""", 400 },
        { "POST", "/api/staff/products/%UNKNOWN%/stock", """{"delta":1}""", 404 },
        { "POST", "/api/staff/orders/%UNKNOWN%/status", """{"status":"Cooking"}""", 404 },
        { "POST", "/api/staff/orders/%UNKNOWN%/status", """{"status":"Eaten"}""", 400 },
        { "PUT", "/api/staff/customers/%UNKNOWN%/role", """{"role":"Staff"}""", 404 },
    };

    [Theory]
    [MemberData(nameof(KnownInvalid))]
    public async Task A_known_invalid_request_gets_its_4xx_problem(string method, string path, string body, int expected)
    {
        using var admin = await app.SignedInAdminAsync();
        var product = (await DeliveryApplication.FindProductAsync(admin, "Margherita")).GetProperty("id").GetGuid();
        path = path.Replace("%PRODUCT%", product.ToString(), StringComparison.Ordinal).Replace("%UNKNOWN%", Guid.NewGuid().ToString(), StringComparison.Ordinal);
        body = body.Replace("%LONG%", new string('x', 5000), StringComparison.Ordinal);

        using var response = await SendAsync(admin, method, path, body.Length == 0 ? null : Json(body));

        await AssertProblemAsync(response, (HttpStatusCode)expected, $"{method} {path}");
    }

    [Fact]
    public async Task Injection_looking_text_is_stored_and_returned_exactly()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var product = (await DeliveryApplication.FindProductAsync(client, "Margherita")).GetProperty("id").GetGuid();
            using var cart = await client.PutAsJsonAsync($"/api/cart/items/{product}", new { quantity = 1, note = Injection }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
            Assert.Equal(Injection, (await client.GetFromJsonAsync<JsonElement>("/api/cart", Cancellation)).GetProperty("items")[0].GetProperty("note").GetString());

            using var settings = await client.PutAsJsonAsync("/api/me/settings", new { defaultDeliveryAddress = Injection }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);

            using var placed = await client.PostAsJsonAsync("/api/orders", new
            {
                deliveryMethod = "Car", deliveryAddress = "1 Main St; DROP TABLE orders", contactName = "Robert'); DROP TABLE Students;--",
                contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery", specialRequests = Injection,
            }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
            var id = (await placed.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetGuid();
            var order = await client.GetFromJsonAsync<JsonElement>($"/api/orders/{id}", Cancellation);
            Assert.Equal(Injection, order.GetProperty("specialRequests").GetString());
            Assert.Equal(Injection, order.GetProperty("lines")[0].GetProperty("note").GetString());
            Assert.Equal("Robert'); DROP TABLE Students;--", order.GetProperty("delivery").GetProperty("contactName").GetString());
            Assert.Equal(
                Injection,
                (await client.GetFromJsonAsync<JsonElement>("/api/me/settings", Cancellation)).GetProperty("defaultDeliveryAddress").GetString());
        }
    }

    private static JsonElement Resolve(JsonElement schemas, JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            return schemas.GetProperty(reference.GetString()!.Split('/')[^1]);
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            return oneOf.EnumerateArray().Select(s => Resolve(schemas, s)).FirstOrDefault(s => !IsType(s, "null") || s.TryGetProperty("enum", out _), schema);
        }

        return schema;
    }

    private static bool IsType(JsonElement schema, string type) =>
        schema.TryGetProperty("type", out var declared)
        && (declared.ValueKind == JsonValueKind.Array ? declared.EnumerateArray().Any(t => t.GetString() == type) : declared.GetString() == type);

    private static IEnumerable<JsonNode?> BadValues(JsonElement schemas, JsonElement property)
    {
        var schema = Resolve(schemas, property);
        yield return null;
        yield return new JsonObject();
        yield return new JsonArray(1, 2);
        if (schema.TryGetProperty("enum", out _))
        {
            yield return JsonValue.Create("NoSuchValue");
            yield return JsonValue.Create(99);
        }
        else if (IsType(schema, "integer") || IsType(schema, "number"))
        {
            foreach (var number in new[] { -1m, 0m, 0.001m, 2147483648m, 79228162514264337593543950335m })
            {
                yield return JsonValue.Create(number);
            }

            yield return JsonValue.Create("abc");
        }
        else if (IsType(schema, "boolean"))
        {
            yield return JsonValue.Create("maybe");
        }
        else if (IsType(schema, "string"))
        {
            yield return JsonValue.Create(12345);
            yield return JsonValue.Create("");
            yield return JsonValue.Create(new string('x', 5000));
            yield return JsonValue.Create(Injection);
        }
        else if (IsType(schema, "array"))
        {
            yield return JsonValue.Create("not a list");
            yield return new JsonArray(Enumerable.Range(0, 500).Select(i => (JsonNode?)JsonValue.Create(new string('y', 100))).ToArray());
        }
    }
}
