using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansDelivery.Host.Tests;

public sealed class HealthTests(DeliveryApplication app) : IClassFixture<DeliveryApplication>
{
    [Fact]
    public async Task Health_reports_an_active_localhost_silo_in_camel_case_json()
    {
        var (status, body) = await app.GetHealthAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal("Active", body.GetProperty("siloStatus").GetString());
        Assert.Equal("Localhost", body.GetProperty("clusterMode").GetString());
        Assert.Equal("Silo", body.GetProperty("role").GetString());
        Assert.Equal("orleans-delivery", body.GetProperty("clusterId").GetString());
        Assert.Equal(1, body.GetProperty("activeSilos").GetInt32());
        Assert.Contains($":{app.Settings["Cluster:SiloPort"]}:", body.GetProperty("siloAddress").GetString(), StringComparison.Ordinal);
        Assert.True(TimeSpan.Parse(body.GetProperty("uptime").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= TimeSpan.Zero);
        Assert.Equal(
            ["activeSilos", "clusterId", "clusterMode", "role", "siloAddress", "siloName", "siloStatus", "startedAt", "status", "uptime"],
            body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unknown_route_is_a_problem_details_404()
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-route");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
    }
}
