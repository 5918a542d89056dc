namespace OrleansDelivery.Browser.Tests;

/// <summary>Paying for an order up front: by card in the page, or by QR code with a bank app.</summary>
public sealed class PaymentTests(StaffKitchenHost host, Chromium chromium) : BrowserTest(host, chromium), IClassFixture<StaffKitchenHost>
{
    [Fact]
    public async Task A_declined_card_is_explained_and_a_good_card_confirms_the_order()
    {
        var grace = await OpenBrowserAsync("Grace");
        await grace.SignUpConfirmAndSignInAsync();
        await grace.AddToCartAsync("Margherita");
        await grace.CheckOutAsync("Card now");
        await Assertions.Expect(grace.TrackerStatus).ToHaveTextAsync("Status: Awaiting payment");

        await FillCardAsync(grace, "4000 0000 0000 0002");
        await grace.Page.GetByRole(AriaRole.Button, new() { Name = "Pay " }).ClickAsync();
        await Assertions.Expect(grace.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("declined");
        await Assertions.Expect(grace.TrackerStatus).ToHaveTextAsync("Status: Payment failed");
        await Assertions.Expect(grace.Page.GetByText("The last payment failed. You can try again.")).ToBeVisibleAsync();

        await FillCardAsync(grace, "4242 4242 4242 4242");
        await grace.Page.GetByRole(AriaRole.Button, new() { Name = "Pay " }).ClickAsync();
        await Assertions.Expect(grace.TrackerStatus).ToHaveTextAsync("Status: Confirmed");
        await Assertions.Expect(grace.Page.GetByText("Payment: Card — Confirmed")).ToBeVisibleAsync();
        await Assertions.Expect(grace.Field("Card number")).Not.ToBeVisibleAsync();
    }

    [Fact]
    public async Task Choosing_a_qr_payment_shows_the_code_to_scan()
    {
        var alan = await OpenBrowserAsync("Alan");
        await alan.SignUpConfirmAndSignInAsync();
        await alan.AddToCartAsync("Margherita");
        var number = await alan.CheckOutAsync("QR code");
        await Assertions.Expect(alan.TrackerStatus).ToHaveTextAsync("Status: Awaiting payment");

        await alan.ClickAsync("Show the QR code");

        var code = alan.Page.GetByRole(AriaRole.Img, new() { Name = $"QR code to pay order {number}" });
        await Assertions.Expect(code).ToBeVisibleAsync();
        // The picture decodes: a broken PNG would have no natural size.
        Assert.True(await code.EvaluateAsync<int>("image => image.naturalWidth") > 0, "The QR code image did not decode.");
        await Assertions.Expect(alan.Page.GetByText("Scan it with your bank app.")).ToBeVisibleAsync();
    }

    /// <summary>Types a card into the order page's form, as its holder would.</summary>
    internal static async Task FillCardAsync(Person person, string number)
    {
        await person.Field("Card number").FillAsync(number);
        await person.Field("Expiry month").FillAsync("12");
        await person.Field("Expiry year").FillAsync((DateTime.UtcNow.Year + 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await person.Field("CVC").FillAsync("123");
        await person.Field("Card holder").FillAsync($"{person.Name} Tester");
    }
}
