using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansDelivery.Host.Tests;

/// <summary>What a signed-in person does with their account: browser sessions, profile, password, settings, deletion, roles.</summary>
public sealed class AccountTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

    private async Task<DeliveryApplication.NewCustomer> ConfirmedCustomerAsync()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        client.Dispose();
        return customer;
    }

    [Fact]
    public async Task A_browser_signs_in_with_a_cookie_and_its_unsafe_requests_need_the_antiforgery_header()
    {
        var customer = await ConfirmedCustomerAsync();
        using var browser = app.CreateClient(); // keeps cookies, as a browser does
        using var signIn = await browser.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = customer.Password }, Cancellation);
        var setCookies = signIn.Headers.GetValues("Set-Cookie").ToList();
        var sessionCookie = Assert.Single(setCookies, c => c.StartsWith("od_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", sessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", sessionCookie, StringComparison.OrdinalIgnoreCase);
        var csrfToken = (await BodyAsync(signIn)).GetProperty("csrfToken").GetString()!;

        using var profile = await browser.GetAsync("/api/me", Cancellation);
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);

        var product = await DeliveryApplication.FindProductAsync(browser, "Margherita");
        var path = $"/api/cart/items/{product.GetProperty("id").GetGuid()}";
        using var forged = await browser.PutAsJsonAsync(path, new { quantity = 1 }, Cancellation);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);

        using var wrongToken = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new { quantity = 1 }) };
        wrongToken.Headers.Add("X-CSRF-Token", csrfToken + "x");
        using (var refused = await browser.SendAsync(wrongToken, Cancellation))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        using var genuine = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new { quantity = 2 }) };
        genuine.Headers.Add("X-CSRF-Token", csrfToken);
        using var added = await browser.SendAsync(genuine, Cancellation);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(2, (await BodyAsync(added)).GetProperty("items")[0].GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task Repeated_wrong_passwords_hit_a_rate_limit_with_retry_after_even_for_the_right_password()
    {
        var customer = await ConfirmedCustomerAsync();
        using var client = app.CreateClient();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = "not the password" }, Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var limited = await client.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = customer.Password }, Cancellation);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 says when to try again");
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_new_sign_up_for_the_same_login_overrides_the_pending_one()
    {
        var first = await app.SignUpAsync();
        var firstCode = await app.ReadCodeAsync(first.Email);
        using var client = app.CreateClient();
        using var second = await client.PostAsJsonAsync("/api/auth/signup", new
        {
            first.Login, email = "other-" + first.Email, phone = "+44 7700 900" + Random.Shared.Next(100, 999), password = first.Password,
            passwordConfirmation = first.Password, firstName = "Ada", lastName = "Lovelace",
        }, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);

        using var confirm = await client.PostAsJsonAsync($"/api/auth/signup/{first.SignUpId}/confirm", new { code = firstCode }, Cancellation);

        Assert.Equal(HttpStatusCode.Conflict, confirm.StatusCode);
        Assert.Equal("Overridden", (await BodyAsync(confirm)).GetProperty("closing").GetString());
    }

    [Fact]
    public async Task A_customer_edits_the_profile_and_the_old_email_is_free_while_a_taken_one_is_refused()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        var other = await ConfirmedCustomerAsync();
        using (client)
        {
            var newEmail = $"renamed-{Guid.NewGuid():N}@example.com";
            using var updated = await client.PutAsJsonAsync("/api/me", new { firstName = "Grace", lastName = "Hopper", email = newEmail, phone = "+1 202 555 0" + Random.Shared.Next(100, 999) }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            var profile = await client.GetFromJsonAsync<JsonElement>("/api/me", Cancellation);
            Assert.Equal(("Grace", "Hopper", newEmail), (profile.GetProperty("firstName").GetString(), profile.GetProperty("lastName").GetString(), profile.GetProperty("email").GetString()));

            using var taken = await client.PutAsJsonAsync("/api/me", new { firstName = "Grace", lastName = "Hopper", email = other.Email, phone = customer.Phone }, Cancellation);
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
            Assert.Equal("email", (await BodyAsync(taken)).GetProperty("field").GetString());
            Assert.Equal(newEmail, (await client.GetFromJsonAsync<JsonElement>("/api/me", Cancellation)).GetProperty("email").GetString());

            using var invalid = await client.PutAsJsonAsync("/api/me", new { firstName = "", lastName = "Hopper", email = "nope", phone = "12" }, Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var errors = (await BodyAsync(invalid)).GetProperty("errors");
            Assert.All(new[] { "firstName", "email", "phone" }, field => Assert.True(errors.TryGetProperty(field, out _), field));

            using var anonymous = app.CreateClient();
            using var reuse = await anonymous.PostAsJsonAsync("/api/auth/signup", new
            {
                login = "reuse_" + Guid.NewGuid().ToString("N")[..8], email = customer.Email, phone = "+44 7700 901" + Random.Shared.Next(100, 999),
                password = "correct horse battery", passwordConfirmation = "correct horse battery", firstName = "Ada", lastName = "Lovelace",
            }, Cancellation);
            Assert.Equal(HttpStatusCode.Accepted, reuse.StatusCode);
        }
    }

    [Fact]
    public async Task Changing_the_password_signs_out_every_other_session_and_only_the_new_password_works()
    {
        var (customer, phone) = await app.SignedInCustomerAsync();
        using var laptop = await app.SignInAsync(customer.Login, customer.Password);
        using (phone)
        {
            using var wrongCurrent = await phone.PutAsJsonAsync("/api/me/password", new { currentPassword = "guess", newPassword = "a brand new secret", newPasswordConfirmation = "a brand new secret" }, Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, wrongCurrent.StatusCode);
            Assert.True((await BodyAsync(wrongCurrent)).GetProperty("errors").TryGetProperty("currentPassword", out _));

            using var changed = await phone.PutAsJsonAsync("/api/me/password", new { currentPassword = customer.Password, newPassword = "a brand new secret", newPasswordConfirmation = "a brand new secret" }, Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

            Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/me", Cancellation)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/me", Cancellation)).StatusCode);
            using var anonymous = app.CreateClient();
            using var oldPassword = await anonymous.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = customer.Password }, Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, oldPassword.StatusCode);
            using var newPassword = await app.SignInAsync(customer.Login, "a brand new secret");
        }
    }

    [Fact]
    public async Task Settings_start_with_defaults_change_field_by_field_and_refuse_bad_values()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var defaults = await client.GetFromJsonAsync<JsonElement>("/api/me/settings", Cancellation);
            Assert.Equal("Push", defaults.GetProperty("preferredChannel").GetString());
            Assert.True(defaults.GetProperty("notificationsEnabled").GetBoolean());

            using var changed = await client.PutAsJsonAsync("/api/me/settings", new
            {
                preferredChannel = "Email", preferredPaymentType = "Card", defaultDeliveryAddress = "1 Main St", dietaryRestrictions = new[] { "vegan", "Vegan", "nut-free" },
                messengerHandles = new[] { new { messenger = "telegram", handle = "@ada" } },
            }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            using var offOnly = await client.PutAsJsonAsync("/api/me/settings", new { notificationsEnabled = false }, Cancellation);

            var settings = await client.GetFromJsonAsync<JsonElement>("/api/me/settings", Cancellation);
            Assert.Equal("Email", settings.GetProperty("preferredChannel").GetString());
            Assert.False(settings.GetProperty("notificationsEnabled").GetBoolean());
            Assert.Equal("Card", settings.GetProperty("preferredPaymentType").GetString());
            Assert.Equal("1 Main St", settings.GetProperty("defaultDeliveryAddress").GetString());
            Assert.Equal(["vegan", "nut-free"], settings.GetProperty("dietaryRestrictions").EnumerateArray().Select(r => r.GetString()));
            Assert.Equal("@ada", settings.GetProperty("messengerHandles")[0].GetProperty("handle").GetString());

            using var invalid = await client.PutAsJsonAsync("/api/me/settings", new { dietaryRestrictions = new[] { "" }, messengerHandles = new[] { new { messenger = "x" } } }, Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
            var errors = (await BodyAsync(invalid)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("dietaryRestrictions", out _));
            Assert.True(errors.TryGetProperty("messengerHandles", out _));
        }
    }

    [Fact]
    public async Task A_deleted_account_signs_out_everywhere_cannot_sign_in_and_frees_its_login()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            using var deleted = await client.DeleteAsync("/api/me", Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me", Cancellation)).StatusCode);
            using var anonymous = app.CreateClient();
            using var signIn = await anonymous.PostAsJsonAsync("/api/auth/signin", new { login = customer.Login, password = customer.Password }, Cancellation);
            Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
            using var again = await anonymous.PostAsJsonAsync("/api/auth/signup", new
            {
                customer.Login, customer.Email, customer.Phone, password = customer.Password, passwordConfirmation = customer.Password, firstName = "Ada", lastName = "Again",
            }, Cancellation);
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }
    }

    [Fact]
    public async Task An_account_with_an_order_in_progress_is_not_deleted()
    {
        var (_, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            var product = await DeliveryApplication.FindProductAsync(client, "Chicken Caesar");
            (await client.PutAsJsonAsync($"/api/cart/items/{product.GetProperty("id").GetGuid()}", new { quantity = 1 }, Cancellation)).Dispose();
            using var order = await client.PostAsJsonAsync("/api/orders", new { deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery" }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, order.StatusCode);

            using var deleted = await client.DeleteAsync("/api/me", Cancellation);

            Assert.Equal(HttpStatusCode.Conflict, deleted.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me", Cancellation)).StatusCode);
        }
    }

    [Fact]
    public async Task Only_an_admin_names_staff_and_the_new_role_takes_effect_at_the_next_sign_in()
    {
        var (customer, client) = await app.SignedInCustomerAsync();
        using (client)
        {
            using var selfPromotion = await client.PutAsJsonAsync($"/api/staff/customers/{customer.Id}/role", new { role = "Admin" }, Cancellation);
            Assert.Equal(HttpStatusCode.Forbidden, selfPromotion.StatusCode);

            using var admin = await app.SignedInAdminAsync();
            Assert.Equal("Admin", (await admin.GetFromJsonAsync<JsonElement>("/api/me", Cancellation)).GetProperty("role").GetString());
            using var unknownRole = await admin.PutAsJsonAsync($"/api/staff/customers/{customer.Id}/role", new { role = "Wizard" }, Cancellation);
            Assert.Equal(HttpStatusCode.BadRequest, unknownRole.StatusCode);
            using var nobody = await admin.PutAsJsonAsync($"/api/staff/customers/{Guid.NewGuid()}/role", new { role = "Staff" }, Cancellation);
            Assert.Equal(HttpStatusCode.NotFound, nobody.StatusCode);
            using var promoted = await admin.PutAsJsonAsync($"/api/staff/customers/{customer.Id}/role", new { role = "Staff" }, Cancellation);
            Assert.Equal(HttpStatusCode.NoContent, promoted.StatusCode);

            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me", Cancellation)).StatusCode);
            using var staff = await app.SignInAsync(customer.Login, customer.Password);
            Assert.Equal("Staff", (await staff.GetFromJsonAsync<JsonElement>("/api/me", Cancellation)).GetProperty("role").GetString());
        }
    }
}
