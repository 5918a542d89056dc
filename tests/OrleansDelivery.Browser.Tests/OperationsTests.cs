using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Browser.Tests;

/// <summary>An admin watching the day from the business view and the Orleans Dashboard while orders pour in.</summary>
public sealed class OperationsTests(LiveKitchenHost host, Chromium chromium) : BrowserTest(host, chromium), IClassFixture<LiveKitchenHost>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_sees_the_business_view_and_the_dashboard_count_orders_under_load()
    {
        var admin = await OpenBrowserAsync("Admin");
        await admin.OpenSiteAsync();
        await admin.Nav("Sign in").ClickAsync();
        await admin.SignInAsync(BrowserHost.AdminLogin, Host.AdminPassword);
        await admin.Nav("Staff board").ClickAsync();
        await admin.Page.GetByRole(AriaRole.Link, new() { Name = "Business view" }).ClickAsync();
        await Assertions.Expect(admin.Heading).ToHaveTextAsync("Business view");
        var placed = admin.Page.Locator("[data-figure=placedToday]");
        await Assertions.Expect(placed).ToHaveTextAsync("0");

        await PlaceOrdersAsync(5);

        // The page reads the view again every two seconds; the simulated kitchen delivers the orders meanwhile.
        await Assertions.Expect(placed).ToHaveTextAsync("5", new() { Timeout = 30_000 });
        await Assertions.Expect(admin.Page.Locator("tr[data-status=Delivered] td").Nth(1)).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-5]$"), new() { Timeout = 60_000 });
        await Assertions.Expect(admin.Page.Locator("[data-figure=revenueToday]")).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^€0\\.00$"));
        await admin.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "business-view-390x844.png"));

        await admin.Page.GetByRole(AriaRole.Link, new() { Name = "Open the Orleans Dashboard" }).ClickAsync();
        var activations = admin.Page.Locator(".info-box").Filter(new() { HasText = "Total Activations" }).Locator(".info-box-number");
        await Assertions.Expect(activations).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]*$"), new() { Timeout = 30_000 });
        var before = int.Parse(await activations.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(admin.Page.Locator(".info-box").Filter(new() { HasText = "Active Silos" }).Locator(".info-box-number")).ToHaveTextAsync("1");

        await PlaceOrdersAsync(5);

        // Each new order activates its order and payment grains; the dashboard polls the silo every second.
        await Wait.UntilAsync(
            async () => int.Parse(await activations.TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture),
            now => now > before,
            TimeSpan.FromSeconds(30),
            "the dashboard's activation count to grow");
        await admin.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "orleans-dashboard.png"));

        // The dashboard's page carries a way back to the business view.
        await admin.Page.GetByRole(AriaRole.Link, new() { Name = "Business view" }).ClickAsync();
        await Assertions.Expect(admin.Heading).ToHaveTextAsync("Business view");
        await Assertions.Expect(placed).ToHaveTextAsync("10", new() { Timeout = 30_000 });
    }

    /// <summary>Orders through the API, as many customers' phones would send them (here all from the admin's account).</summary>
    private async Task PlaceOrdersAsync(int count)
    {
        using var client = new HttpClient { BaseAddress = Host.Address };
        using var signIn = await client.PostAsJsonAsync("/api/auth/signin", new { login = BrowserHost.AdminLogin, password = Host.AdminPassword }, Cancellation);
        signIn.EnsureSuccessStatusCode();
        var token = (await signIn.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var products = await client.GetFromJsonAsync<JsonElement>("/api/products?q=Margherita", Cancellation);
        var productId = products.GetProperty("items")[0].GetProperty("id").GetGuid();
        for (var i = 0; i < count; i++)
        {
            using var added = await client.PutAsJsonAsync($"/api/cart/items/{productId}", new { quantity = 1 }, Cancellation);
            added.EnsureSuccessStatusCode();
            using var placed = await client.PostAsJsonAsync(
                "/api/orders", new { deliveryMethod = "Pickup", contactName = "Ada", contactPhone = "+44 20 7946 0958", paymentType = "CashOnDelivery" }, Cancellation);
            placed.EnsureSuccessStatusCode();
        }
    }
}
