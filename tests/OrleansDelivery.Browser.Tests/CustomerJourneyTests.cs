namespace OrleansDelivery.Browser.Tests;

/// <summary>A new customer's first order, watched live to the door and rated, on a phone-sized screen.</summary>
public sealed class CustomerJourneyTests(LiveKitchenHost host, Chromium chromium) : BrowserTest(host, chromium), IClassFixture<LiveKitchenHost>
{
    [Fact]
    public async Task A_new_customer_orders_with_cash_watches_the_order_arrive_live_and_rates_it()
    {
        var ada = await OpenBrowserAsync("Ada");
        await ada.SignUpConfirmAndSignInAsync();
        await ada.Nav("Catalogue").ClickAsync();
        await Assertions.Expect(ada.Page.GetByRole(AriaRole.List, new() { Name = "Products" }).GetByRole(AriaRole.Listitem).First).ToBeVisibleAsync();
        await ada.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "catalogue-390x844.png"));

        await ada.AddToCartAsync("Margherita");
        var number = await ada.CheckOutAsync("Cash on delivery", Path.Combine(OutputFolder("screenshots"), "checkout-390x844.png"));

        // The simulated kitchen moves the order along (its reminders fire late on a busy machine); the page follows it
        // through the hub without a reload.
        await Assertions.Expect(ada.TrackerStatus).ToHaveTextAsync("Status: Delivered", new() { Timeout = 90_000 });
        foreach (var step in new[] { "Placed", "Confirmed", "Cooking", "Ready for delivery", "Out for delivery", "Delivered" })
        {
            await Assertions.Expect(ada.Step(step)).ToContainTextAsync("at ");
        }

        await Assertions.Expect(ada.Page.GetByText("Payment: Cash on delivery")).ToBeVisibleAsync();
        await ada.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "tracker-390x844.png"));

        await ada.Page.GetByLabel("5 stars").CheckAsync();
        await ada.Field("Comment").FillAsync("Hot and on time.");
        await ada.ClickAsync("Send rating");
        if (await EndpointExistsAsync($"/api/orders/{Guid.NewGuid()}/rating"))
        {
            await Assertions.Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Your rating" })).ToBeVisibleAsync();
            await Assertions.Expect(ada.Page.GetByText("(5 of 5)")).ToBeVisibleAsync();
        }
        else
        {
            // Ratings are not on this build yet: the person is told so instead of being left wondering.
            await Assertions.Expect(ada.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("This is not available (yet).");
        }

        await ada.Nav("Orders").ClickAsync();
        await Assertions.Expect(ada.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = number })).ToContainTextAsync("Delivered");
    }
}
