namespace OrleansDelivery.Browser.Tests;

/// <summary>A new customer's first order, paid by card, watched live to the door and rated, on a phone-sized screen.</summary>
public sealed class CustomerJourneyTests(LiveKitchenHost host, Chromium chromium) : BrowserTest(host, chromium), IClassFixture<LiveKitchenHost>
{
    [Fact]
    public async Task A_new_customer_pays_by_card_watches_the_order_arrive_live_and_rates_it()
    {
        var ada = await OpenBrowserAsync("Ada");
        await ada.SignUpConfirmAndSignInAsync();
        await ada.Nav("Catalogue").ClickAsync();
        await Assertions.Expect(ada.Page.GetByRole(AriaRole.List, new() { Name = "Products" }).GetByRole(AriaRole.Listitem).First).ToBeVisibleAsync();
        await ada.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "catalogue-390x844.png"));

        await ada.AddToCartAsync("Margherita");
        var number = await ada.CheckOutAsync("Card now", Path.Combine(OutputFolder("screenshots"), "checkout-390x844.png"));
        await Assertions.Expect(ada.TrackerStatus).ToHaveTextAsync("Status: Awaiting payment");
        await PaymentTests.FillCardAsync(ada, "4242 4242 4242 4242");
        await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Pay " }).ClickAsync();

        // The simulated kitchen moves the order along (its reminders fire late on a busy machine); the page follows it
        // through the hub without a reload.
        await Assertions.Expect(ada.TrackerStatus).ToHaveTextAsync("Status: Delivered", new() { Timeout = 90_000 });
        foreach (var step in new[] { "Placed", "Confirmed", "Cooking", "Ready for delivery", "Out for delivery", "Delivered" })
        {
            await Assertions.Expect(ada.Step(step)).ToContainTextAsync("at ");
        }

        await Assertions.Expect(ada.Page.GetByText("Payment: Card — Confirmed")).ToBeVisibleAsync();
        await ada.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "tracker-390x844.png"));

        await ada.Page.GetByLabel("5 stars").CheckAsync();
        await ada.Field("Comment").FillAsync("Hot and on time.");
        await ada.ClickAsync("Send rating");
        await Assertions.Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Your rating" })).ToBeVisibleAsync();
        await Assertions.Expect(ada.Page.GetByText("(5 of 5)")).ToBeVisibleAsync();

        await ada.Nav("Orders").ClickAsync();
        await Assertions.Expect(ada.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = number })).ToContainTextAsync("Delivered");
    }
}
