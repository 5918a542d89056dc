namespace OrleansDelivery.Browser.Tests;

/// <summary>Cancelling before the kitchen starts, and the staff moving an order along while its customer watches.</summary>
public sealed class StaffTests(StaffKitchenHost host, Chromium chromium) : BrowserTest(host, chromium), IClassFixture<StaffKitchenHost>
{
    [Fact]
    public async Task A_customer_cancels_an_order_before_cooking_starts()
    {
        var linus = await OpenBrowserAsync("Linus");
        await linus.SignUpConfirmAndSignInAsync();
        await linus.AddToCartAsync("Margherita");
        var number = await linus.CheckOutAsync("Cash on delivery");
        await Assertions.Expect(linus.TrackerStatus).ToHaveTextAsync("Status: Confirmed");

        await linus.Field("Reason (optional)").FillAsync("Ordered twice by mistake");
        await linus.ClickAsync("Cancel order");

        await Assertions.Expect(linus.TrackerStatus).ToHaveTextAsync("Status: Cancelled");
        await Assertions.Expect(linus.Step("Cancelled")).ToContainTextAsync("at ");
        await Assertions.Expect(linus.Button("Cancel order")).Not.ToBeVisibleAsync();

        await linus.Nav("Orders").ClickAsync();
        await linus.Page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Cancelled" });
        await linus.ClickAsync("Filter");
        await Assertions.Expect(linus.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = number })).ToContainTextAsync("Cancelled");
    }

    [Fact]
    public async Task Staff_move_an_order_to_delivered_and_its_customer_sees_each_step_live()
    {
        var barbara = await OpenBrowserAsync("Barbara");
        await barbara.SignUpConfirmAndSignInAsync();
        await barbara.AddToCartAsync("Margherita");
        var number = await barbara.CheckOutAsync("Cash on delivery");
        await Assertions.Expect(barbara.TrackerStatus).ToHaveTextAsync("Status: Confirmed");
        // Typing while the order moves: each step draws the order's actions again, and what is typed must stay.
        await barbara.Field("Favourite name").FillAsync("Friday pizza");

        var admin = await OpenBrowserAsync("Admin");
        await admin.OpenSiteAsync();
        await admin.Nav("Sign in").ClickAsync();
        await admin.SignInAsync(BrowserHost.AdminLogin, Host.AdminPassword);
        await admin.Nav("Staff board").ClickAsync();
        await Assertions.Expect(admin.Heading).ToHaveTextAsync("Staff board");

        // The board is a projection of the order stream; a new order shows up on it within moments.
        var row = admin.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = number });
        await OrleansDelivery.Testing.Wait.UntilAsync(
            async () =>
            {
                await admin.ClickAsync("Refresh");
                await Assertions.Expect(admin.Heading).ToHaveTextAsync("Staff board");
                return await row.CountAsync();
            },
            count => count == 1,
            TimeSpan.FromSeconds(30),
            $"order {number} on the staff board");

        foreach (var (button, status) in new[]
        {
            ("cooking", "Cooking"), ("ready for delivery", "Ready for delivery"), ("out for delivery", "Out for delivery"), ("delivered", "Delivered"),
        })
        {
            await admin.ClickAsync($"Move {number} to {button}");
            await Assertions.Expect(row).ToContainTextAsync(status);
            await Assertions.Expect(barbara.TrackerStatus).ToHaveTextAsync($"Status: {status}");
        }

        await Assertions.Expect(barbara.Field("Favourite name")).ToHaveValueAsync("Friday pizza");
        await Assertions.Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await admin.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "staff-board-390x844.png"));
        await Assertions.Expect(barbara.Step("Delivered")).ToContainTextAsync("at ");
        await Assertions.Expect(barbara.Page.GetByRole(AriaRole.Heading, new() { Name = "Rate this order" })).ToBeVisibleAsync();
    }
}
