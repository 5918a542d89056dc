using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansDelivery.Host.Tests;

/// <summary>Signing up with an emailed code, signing in and out, and what a session token opens.</summary>
public sealed class IdentityTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

    [Fact]
    public async Task A_new_customer_signs_up_confirms_the_mailed_code_signs_in_sees_the_profile_and_signs_out()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var profile = await client.GetFromJsonAsync<JsonElement>("/api/me", Cancellation);
            Assert.Equal(customer.Id, profile.GetProperty("id").GetGuid());
            Assert.Equal(customer.Login, profile.GetProperty("login").GetString());
            Assert.Equal(customer.Email, profile.GetProperty("email").GetString());
            // Stored as digits with the leading '+': "+44 7700 123456" is "+447700123456".
            Assert.Equal("+" + string.Concat(customer.Phone.Where(char.IsAsciiDigit)), profile.GetProperty("phone").GetString());

            using var signOut = await client.PostAsync("/api/auth/signout", null, Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);

            using var afterSignOut = await client.GetAsync("/api/me", Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, afterSignOut.StatusCode);
            Assert.Equal("application/problem+json", afterSignOut.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_email_address_works_as_a_login_too()
    {
        var customer = await app.SignUpAsync();
        using var client = app.CreateClient();
        await client.PostAsJsonAsync($"/api/auth/signup/{customer.SignUpId}/confirm", new { code = await app.ReadCodeAsync(customer.Email) }, Cancellation);

        using var signIn = await client.PostAsJsonAsync("/api/auth/signin", new { login = customer.Email.ToUpperInvariant(), password = customer.Password, keepSignedIn = true }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        var expiresAt = (await BodyAsync(signIn)).GetProperty("expiresAt").GetDateTimeOffset();
        Assert.True(expiresAt > DateTimeOffset.UtcNow.AddDays(13), $"keep me signed in lasts 14 days, not until {expiresAt}");
    }

    [Fact]
    public async Task An_unknown_login_and_a_wrong_password_get_the_same_401()
    {
        var (customer, signedIn) = await app.SignedInCustomerAsync();
        signedIn.Dispose();
        using var client = app.CreateClient();

        using var unknown = await client.PostAsJsonAsync("/api/auth/signin", new { login = "nobody_" + Guid.NewGuid().ToString("N")[..8], password = customer.Password }, Cancellation);
        using var wrong = await client.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = customer.Password + "!" }, Cancellation);

        foreach (var response in new[] { unknown, wrong })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Invalid login or password.", (await BodyAsync(response)).GetProperty("title").GetString());
        }
    }

    [Fact]
    public async Task A_wrong_code_says_how_many_attempts_are_left_and_the_fifth_closes_the_sign_up()
    {
        var customer = await app.SignUpAsync();
        var right = await app.ReadCodeAsync(customer.Email);
        var wrongCode = right == "000000" ? "111111" : "000000";
        using var client = app.CreateClient();
        var path = $"/api/auth/signup/{customer.SignUpId}/confirm";

        for (var left = 4; left >= 1; left--)
        {
            using var wrong = await client.PostAsJsonAsync(path, new { code = wrongCode }, Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Equal(left, (await BodyAsync(wrong)).GetProperty("attemptsLeft").GetInt32());
        }

        using var fifth = await client.PostAsJsonAsync(path, new { code = wrongCode }, Cancellation);
        using var tooLate = await client.PostAsJsonAsync(path, new { code = right }, Cancellation);

        Assert.Equal(HttpStatusCode.Conflict, fifth.StatusCode);
        Assert.Equal("TooManyTries", (await BodyAsync(fifth)).GetProperty("closing").GetString());
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        using var signIn = await client.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = customer.Password }, Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
    }

    [Fact]
    public async Task A_login_email_or_phone_that_is_taken_is_a_409_naming_it()
    {
        var (taken, client) = await app.SignedInCustomerAsync();
        client.Dispose();
        using var anonymous = app.CreateClient();
        var fresh = Guid.NewGuid().ToString("N")[..10];

        foreach (var (login, email, phone, field) in new[]
        {
            (taken.Login.ToUpperInvariant(), $"{fresh}@example.com", "+1 555 0100 123", "login"),
            ($"u{fresh}", taken.Email, "+1 555 0100 124", "email"),
            ($"v{fresh}", $"v{fresh}@example.com", taken.Phone, "phone"),
        })
        {
            using var response = await anonymous.PostAsJsonAsync("/api/auth/signup", new
            {
                login, email, phone, password = "long enough 1", passwordConfirmation = "long enough 1", firstName = "Grace", lastName = "Hopper",
            }, Cancellation);

            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal(field, (await BodyAsync(response)).GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Invalid_sign_up_fields_are_each_named_in_a_validation_problem()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/auth/signup", new
        {
            login = "a b", email = "not-an-email", phone = "call me", password = "short", passwordConfirmation = "short", firstName = "", lastName = new string('x', 101),
        }, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await BodyAsync(response)).GetProperty("errors");
        Assert.Equal(
            ["email", "firstName", "lastName", "login", "password", "phone"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Bearer not-a-real-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData(null)]
    public async Task The_profile_needs_a_valid_session_token(string? authorization)
    {
        using var client = app.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(authorization);
        }

        using var response = await client.GetAsync("/api/me", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
