namespace OrleansDelivery.Browser.Tests;

/// <summary>
/// One headless Debian Chromium for the whole test run (<c>apt-get install chromium</c>; Playwright's own browser
/// downloads are never used). Each test opens its own browser context, so tests share no cookies or storage.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Browser tests need Chromium at {ExecutablePath}: apt-get install chromium (.ci/run does).");
        }

        // Expectations wait for what a person would see; the cap only stops a broken test from hanging.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Args = ["--no-sandbox"],
            Headless = true,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
