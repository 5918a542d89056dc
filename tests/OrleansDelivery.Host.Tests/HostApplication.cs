using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace OrleansDelivery.Host.Tests;

/// <summary>
/// The real host, started in-process on a free loopback port. As a class fixture it runs with in-memory storage;
/// <see cref="StartAsync"/> starts one with other settings.
/// </summary>
public sealed class HostApplication : IAsyncLifetime
{
    private string[] _settings = ["--Storage:Provider=Memory"];
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Starts a host with settings given as command-line arguments (<c>--Section:Key=value</c>).</summary>
    public static async Task<HostApplication> StartAsync(params string[] settings)
    {
        var host = new HostApplication { _settings = settings };
        try
        {
            await host.InitializeAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask InitializeAsync()
    {
        _app = HostSetup.Build(["--urls=http://127.0.0.1:0", "--environment=Testing", .. _settings]);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    /// <summary>What a monitoring probe sees at <c>GET /health</c>: the status code and the raw JSON.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Body)> GetHealthAsync()
    {
        var response = await Client.GetAsync("/health", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (response, body);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
