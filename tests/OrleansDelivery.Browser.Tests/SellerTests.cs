namespace OrleansDelivery.Browser.Tests;

/// <summary>A customer selling an item: listing, editing and withdrawing it, told so in the notification inbox.</summary>
public sealed class SellerTests(StaffKitchenHost host, Chromium chromium) : BrowserTest(host, chromium), IClassFixture<StaffKitchenHost>
{
    [Fact]
    public async Task A_customer_lists_an_item_edits_it_sees_the_notification_and_withdraws_it()
    {
        var margaret = await OpenBrowserAsync("Margaret");
        await margaret.SignUpConfirmAndSignInAsync();
        await margaret.Nav("Sell").ClickAsync();
        var newListing = margaret.Page.GetByRole(AriaRole.Form, new() { Name = "New listing" });
        await newListing.GetByLabel("Name", new() { Exact = true }).FillAsync("Homemade jam");
        await newListing.GetByLabel("Description", new() { Exact = true }).FillAsync("Strawberry, 300 g.");
        await newListing.GetByLabel("Price", new() { Exact = true }).FillAsync("4.50");
        await newListing.GetByLabel("Quantity", new() { Exact = true }).FillAsync("3");
        await newListing.GetByLabel("Category", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Groceries" });
        await margaret.ClickAsync("List the item");

        var listing = margaret.Page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Homemade jam" });
        await Assertions.Expect(listing).ToContainTextAsync("3 of 3 available");

        await listing.GetByText("Edit").ClickAsync();
        await listing.GetByLabel("Price", new() { Exact = true }).FillAsync("5.00");
        await margaret.ClickAsync("Save Homemade jam");
        await Assertions.Expect(listing).ToContainTextAsync("€5.00");

        await margaret.Nav("Notifications").ClickAsync();
        await Assertions.Expect(margaret.Heading).ToHaveTextAsync("Notifications");
        await Assertions.Expect(margaret.Page.GetByRole(AriaRole.List, new() { Name = "Notifications" })).ToContainTextAsync("Homemade jam");

        await margaret.Nav("Sell").ClickAsync();
        await listing.GetByText("Edit").ClickAsync();
        await margaret.ClickAsync("Withdraw Homemade jam");
        await Assertions.Expect(listing).ToContainTextAsync("Withdrawn");
        await Assertions.Expect(margaret.Button("Withdraw Homemade jam")).Not.ToBeVisibleAsync();
    }
}
