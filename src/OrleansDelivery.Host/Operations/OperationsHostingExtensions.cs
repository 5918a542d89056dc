using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Dashboard;
using OrleansDelivery.Grains.Operations;
using OrleansDelivery.Host.Cluster;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Operations;

/// <summary>
/// What operators use: the Orleans Dashboard, Prometheus metrics and OTLP export, liveness and readiness probes, and
/// trace propagation through grain calls. Services here; endpoints in <see cref="OperationsEndpoints"/>.
/// </summary>
public static class OperationsHostingExtensions
{
    /// <summary>Admins, or whoever presents the operator key: the dashboard and the metrics.</summary>
    public const string OperatorsPolicy = "Operators";

    public const string ReadyTag = "ready";

    /// <summary>The Orleans sources spans come from: grain calls (runtime and application) and grain storage.</summary>
    public static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application", "Microsoft.Orleans.Storage"];

    public const string OrleansMeter = "Microsoft.Orleans";

    public static WebApplicationBuilder AddOrleansDeliveryOperations(this WebApplicationBuilder builder, ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = OperationsSettings.FromConfiguration(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(settings);
        builder.Services.AddDeliveryMetrics();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, OperatorKeyAuthenticationHandler>(OperatorKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(OperatorsPolicy, policy => policy
            .AddAuthenticationSchemes(SessionAuthenticationHandler.SchemeName, OperatorKeyAuthenticationHandler.SchemeName)
            .RequireAssertion(context => context.User.IsInRole(nameof(CustomerRole.Admin))
                || context.User.HasClaim(claim => claim.Type == OperatorKeyAuthenticationHandler.OperatorClaim)));

        var checks = builder.Services.AddHealthChecks()
            .AddCheck<GrainReadinessCheck>("grain", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5));
        // A front-end has no silo of its own: a grain answering through a gateway is what makes it ready.
        if (cluster.Role == ClusterRole.Silo)
        {
            checks.AddCheck<SiloReadinessCheck>("silo", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5));
        }

        if (cluster.Mode == ClusterMode.Postgres)
        {
            checks.AddCheck<PostgresReadinessCheck>("postgres", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(5));
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("OrleansDelivery", serviceInstanceId: $"{Environment.MachineName}:{cluster.SiloPort}"))
            .WithMetrics(metrics => metrics
                .AddMeter(OrleansMeter, DeliveryMetrics.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (settings.OtlpEndpoint is { } endpoint)
        {
            // Spans are only worth recording when something collects them; without a collector, grain-call
            // propagation still carries an incoming trace id through, at no cost when nobody listens.
            telemetry.WithTracing(tracing => tracing
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsProbeOrScrape(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
            if (builder.Configuration["Operations:OtlpEndpoint"] is { Length: > 0 })
            {
                telemetry.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(endpoint));
            }
            else
            {
                // OTEL_EXPORTER_OTLP_ENDPOINT (and _PROTOCOL, _HEADERS) read as the OpenTelemetry specification says.
                telemetry.UseOtlpExporter();
            }
        }

        return builder;
    }

    /// <summary>
    /// A front-end's part: the dashboard reads the silos' collectors through the client, and trace context travels
    /// on its grain calls.
    /// </summary>
    public static IClientBuilder AddOrleansDeliveryOperations(this IClientBuilder client, IConfiguration configuration)
    {
        if (configuration.GetValue<bool?>("Operations:Dashboard") ?? true)
        {
            client.AddDashboard(dashboard => dashboard.HideTrace = true);
        }

        client.AddActivityPropagation();
        return client;
    }

    /// <summary>The silo's part: the dashboard's collectors (its trace page, which streams logs, stays off) and trace propagation.</summary>
    public static ISiloBuilder AddOrleansDeliveryOperations(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (configuration.GetValue<bool?>("Operations:Dashboard") ?? true)
        {
            silo.AddDashboard(dashboard => dashboard.HideTrace = true);
        }

        silo.AddActivityPropagation();
        return silo;
    }

    internal static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/dashboard");

    internal static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(JsonSerializer.Serialize(
            new
            {
                status = report.Status.ToString(),
                durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
                checks = report.Entries.Select(entry => new
                {
                    name = entry.Key,
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description,
                    durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                }),
            }));
    }

    internal static HealthCheckOptions ReadinessOptions => new() { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteHealthAsync };

    internal static HealthCheckOptions LivenessOptions => new() { Predicate = _ => false, ResponseWriter = WriteHealthAsync };
}
