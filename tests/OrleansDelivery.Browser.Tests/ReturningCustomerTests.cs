using OrleansDelivery.Testing;

namespace OrleansDelivery.Browser.Tests;

/// <summary>After a first delivery: a favourite to order again, the statistics and the recommendations.</summary>
public sealed class ReturningCustomerTests(LiveKitchenHost host, Chromium chromium) : BrowserTest(host, chromium), IClassFixture<LiveKitchenHost>
{
    [Fact]
    public async Task A_delivered_order_becomes_a_favourite_to_reorder_and_shows_in_statistics_and_recommendations()
    {
        var edsger = await OpenBrowserAsync("Edsger");
        await edsger.SignUpConfirmAndSignInAsync();
        await edsger.AddToCartAsync("Margherita");
        await edsger.CheckOutAsync("Cash on delivery");
        await Assertions.Expect(edsger.TrackerStatus).ToHaveTextAsync("Status: Delivered", new() { Timeout = 90_000 });

        await edsger.Field("Favourite name").FillAsync("Friday pizza");
        await edsger.ClickAsync("Save as favourite");
        await Assertions.Expect(edsger.Page.GetByText("Saved as favourite \"Friday pizza\".")).ToBeVisibleAsync();

        await edsger.Nav("Favourites").ClickAsync();
        await edsger.ClickAsync("Reorder Friday pizza");
        await Assertions.Expect(edsger.Heading).ToHaveTextAsync("Your cart");
        await Assertions.Expect(edsger.Page.GetByRole(AriaRole.List, new() { Name = "Cart items" })).ToContainTextAsync("Margherita");

        // Statistics are a projection of the order stream: the page shows the delivery once it has been counted.
        await edsger.Nav("Statistics").ClickAsync();
        var chart = edsger.Page.GetByRole(AriaRole.Img, new() { Name = "Top products by quantity: Margherita 1" });
        await Wait.UntilAsync(
            async () =>
            {
                await edsger.Page.ReloadAsync();
                await Assertions.Expect(edsger.Heading).ToHaveTextAsync("Statistics");
                return await chart.CountAsync();
            },
            count => count == 1,
            TimeSpan.FromSeconds(30),
            "the delivered Margherita in the statistics chart");
        await edsger.SaveScreenshotAsync(Path.Combine(OutputFolder("screenshots"), "statistics-390x844.png"));

        await edsger.Nav("For you").ClickAsync();
        await Assertions.Expect(edsger.Heading).ToHaveTextAsync("Recommended for you");
        await Assertions.Expect(edsger.Page.GetByRole(AriaRole.Button, new() { Name = "Add " }).First).ToBeVisibleAsync();
    }
}
