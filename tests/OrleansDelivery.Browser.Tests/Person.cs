using System.Text.Json;
using System.Text.RegularExpressions;
using OrleansDelivery.Testing;

namespace OrleansDelivery.Browser.Tests;

/// <summary>
/// Someone using the web client in their own browser window (a fresh context: no shared cookies), with the steps
/// they take written as they would describe them. Everything they see is found by role and label.
/// </summary>
public sealed partial class Person(string name, IBrowserContext context, IPage page) : IAsyncDisposable
{
    public const string Password = "correct horse battery";

    public string Name { get; } = name;

    public IPage Page { get; } = page;

    /// <summary>What the page wrote to its console, and its errors, for the evidence of a failed test.</summary>
    public List<string> ConsoleLog { get; } = [];

    public static async Task<Person> OpenAsync(IBrowser browser, Uri address, string name, int width = 390, int height = 844)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        var page = await context.NewPageAsync();
        var person = new Person(name, context, page);
        page.Console += (_, message) => person.ConsoleLog.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => person.ConsoleLog.Add($"page error: {error}");
        page.RequestFailed += (_, request) => person.ConsoleLog.Add($"request failed: {request.Method} {request.Url} {request.Failure}");
        return person;
    }

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    public ILocator Nav(string link) =>
        Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true });

    public ILocator Field(string label) => Page.GetByLabel(label, new() { Exact = true });

    public ILocator Button(string text) => Page.GetByRole(AriaRole.Button, new() { Name = text, Exact = true });

    public Task ClickAsync(string button) => Button(button).ClickAsync();

    public async Task OpenSiteAsync()
    {
        await Page.GotoAsync("/");
        await Assertions.Expect(Heading).ToHaveTextAsync("Catalogue");
    }

    /// <summary>Signs up with fresh details, confirms with the code from the (development) email, and signs in.</summary>
    public async Task<string> SignUpConfirmAndSignInAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var login = $"{Name.ToLowerInvariant()}_{suffix}";
        var email = $"{suffix}@example.com";

        await OpenSiteAsync();
        await Nav("Sign up").ClickAsync();
        await Field("Login").FillAsync(login);
        await Field("Email").FillAsync(email);
        await Field("Phone").FillAsync($"+44 7700 {Random.Shared.Next(100_000, 999_999)}{Random.Shared.Next(10, 99)}");
        await Field("First name").FillAsync(Name);
        await Field("Last name").FillAsync("Tester");
        await Field("Password").FillAsync(Password);
        await Field("Confirm password").FillAsync(Password);
        await ClickAsync("Sign up");

        await Assertions.Expect(Heading).ToHaveTextAsync("Confirm your email");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "development mailbox" }))
            .ToHaveAttributeAsync("href", $"/api/dev/mailbox?to={Uri.EscapeDataString(email)}");
        await Field("Code").FillAsync(await ReadMailedCodeAsync(email));
        await ClickAsync("Confirm");

        await Assertions.Expect(Page.GetByText("Your account is confirmed")).ToBeVisibleAsync();
        await SignInAsync(login, Password);
        return login;
    }

    public async Task SignInAsync(string login, string password)
    {
        if (!Page.Url.Contains("/signin", StringComparison.Ordinal))
        {
            await Page.GotoAsync("/signin");
        }

        await Field("Login or email").FillAsync(login);
        await Field("Password").FillAsync(password);
        await Field("Keep me signed in").CheckAsync();
        await ClickAsync("Sign in");
        await Assertions.Expect(Nav("Profile")).ToBeVisibleAsync();
    }

    /// <summary>The code as the development mailbox shows it (the link on the confirm page opens the same list).</summary>
    private async Task<string> ReadMailedCodeAsync(string email)
    {
        var body = await Wait.UntilAsync(
            async () =>
            {
                var response = await Page.APIRequest.GetAsync($"/api/dev/mailbox?to={Uri.EscapeDataString(email)}");
                var mailbox = JsonDocument.Parse(await response.TextAsync()).RootElement;
                return mailbox.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("body").GetString()).FirstOrDefault(b => b is not null && SixDigits().IsMatch(b));
            },
            found => found is not null,
            TimeSpan.FromSeconds(30),
            $"the sign-up code email to {email}");
        return SixDigits().Match(body!).Value;
    }

    /// <summary>Searches the catalogue for a product, opens it and adds one to the cart.</summary>
    public async Task AddToCartAsync(string product)
    {
        await Nav("Catalogue").ClickAsync();
        await Field("Search").FillAsync(product);
        await ClickAsync("Search");
        await Page.GetByRole(AriaRole.Link, new() { Name = product, Exact = true }).ClickAsync();
        await Assertions.Expect(Heading).ToHaveTextAsync(product);
        await ClickAsync("Add to cart");
        await Assertions.Expect(Page.GetByText("Added to your cart.")).ToBeVisibleAsync();
    }

    /// <summary>From the cart to a placed order, delivered on foot; returns the order number the page shows.</summary>
    public async Task<string> CheckOutAsync(string payment, string? screenshot = null)
    {
        await Nav("Cart").ClickAsync();
        await Assertions.Expect(Heading).ToHaveTextAsync("Your cart");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Checkout", Exact = true }).ClickAsync();
        await Assertions.Expect(Heading).ToHaveTextAsync("Checkout");
        await Page.GetByLabel("On foot").CheckAsync();
        await Field("Delivery address").FillAsync("1 Test Street, Testville");
        await Page.GetByLabel(payment).CheckAsync();
        await Assertions.Expect(Page.GetByText("Total:")).ToContainTextAsync("delivery €2.50");
        if (screenshot is not null)
        {
            await SaveScreenshotAsync(screenshot);
        }

        await ClickAsync("Place order");

        await Assertions.Expect(Heading).ToHaveTextAsync(OrderHeading());
        await Assertions.Expect(Page.GetByText("Live updates: on")).ToBeVisibleAsync();
        return (await Heading.InnerTextAsync())["Order ".Length..];
    }

    /// <summary>The status line of the tracker, which the page announces to screen readers as it changes.</summary>
    public ILocator TrackerStatus => Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Status:" });

    /// <summary>A step of the tracker's timeline.</summary>
    public ILocator Step(string status) =>
        Page.GetByRole(AriaRole.List, new() { Name = "Order progress" }).GetByRole(AriaRole.Listitem).Filter(new() { HasText = status });

    public async Task SaveScreenshotAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();

    [GeneratedRegex(@"^Order \S+$")]
    private static partial Regex OrderHeading();
}
