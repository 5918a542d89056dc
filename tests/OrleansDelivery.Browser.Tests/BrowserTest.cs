namespace OrleansDelivery.Browser.Tests;

/// <summary>
/// A browser test against one host: opens people's browser windows and, when the test fails, saves what each of them
/// saw (a full-page screenshot) and what their page logged, in <c>browser-failures/</c> of the test output folder.
/// </summary>
public abstract class BrowserTest(BrowserHost host, Chromium chromium) : IAsyncLifetime
{
    private readonly List<Person> _people = [];

    protected BrowserHost Host { get; } = host;

    /// <summary>Where screenshots go: the test output folder (bin/…/screenshots, bin/…/browser-failures).</summary>
    protected static string OutputFolder(string kind) => Path.Combine(AppContext.BaseDirectory, kind);

    protected async Task<Person> OpenBrowserAsync(string name)
    {
        var person = await Person.OpenAsync(chromium.Browser, Host.Address, name);
        _people.Add(person);
        return person;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestState?.Result == TestResult.Failed)
        {
            var folder = OutputFolder("browser-failures");
            Directory.CreateDirectory(folder);
            var test = string.Concat((TestContext.Current.Test?.TestDisplayName ?? "test").Split(Path.GetInvalidFileNameChars()));
            foreach (var person in _people)
            {
                var stem = Path.Combine(folder, $"{test[..Math.Min(test.Length, 120)]}.{person.Name}");
                try
                {
                    await person.SaveScreenshotAsync($"{stem}.png");
                }
                catch (PlaywrightException error)
                {
                    person.ConsoleLog.Add($"(no screenshot: {error.Message})");
                }

                await File.WriteAllLinesAsync($"{stem}.console.log", [$"url: {person.Page.Url}", .. person.ConsoleLog]);
                TestContext.Current.TestOutputHelper?.WriteLine($"Saved {stem}.png and {stem}.console.log");
            }
        }

        foreach (var person in _people)
        {
            await person.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
