using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansDelivery.Host.Tests;

public sealed class HealthTests(HostApplication app) : IClassFixture<HostApplication>
{
    [Fact]
    public async Task Health_reports_a_healthy_silo_in_camel_case_json()
    {
        var (response, body) = await app.GetHealthAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("siloName").GetString()));
        Assert.Equal(JsonValueKind.Number, body.GetProperty("activationCount").ValueKind);
        Assert.Equal("Memory", body.GetProperty("storageProvider").GetString());
        Assert.True(TimeSpan.TryParse(body.GetProperty("uptime").GetString(), out var uptime));
        Assert.True(uptime >= TimeSpan.Zero);
        Assert.Equal(
            ["activationCount", "siloName", "startedAt", "status", "storageProvider", "uptime"],
            body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Uptime_grows_between_two_health_checks()
    {
        var (_, first) = await app.GetHealthAsync();
        var (_, second) = await app.GetHealthAsync();

        Assert.True(
            TimeSpan.Parse(second.GetProperty("uptime").GetString()!) > TimeSpan.Parse(first.GetProperty("uptime").GetString()!));
        Assert.Equal(first.GetProperty("startedAt").GetString(), second.GetProperty("startedAt").GetString());
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem_details_404()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await app.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", problem.GetProperty("title").GetString());
    }
}
