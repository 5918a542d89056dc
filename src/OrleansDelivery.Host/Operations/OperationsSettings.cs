namespace OrleansDelivery.Host.Operations;

/// <summary>The <c>Operations</c> section: who may open the dashboard and the metrics, and where telemetry goes.</summary>
public sealed record OperationsSettings(string? DashboardKey, string? OtlpEndpoint, bool OpenInDevelopment, bool Dashboard)
{
    /// <summary>Shorter keys are refused at start-up: the key guards the cluster's insides.</summary>
    public const int MinimumKeyLength = 16;

    public static OperationsSettings FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var key = configuration["Operations:DashboardKey"];
        if (string.IsNullOrWhiteSpace(key))
        {
            key = null;
        }
        else if (key.Length < MinimumKeyLength)
        {
            throw new InvalidOperationException($"Operations:DashboardKey must have at least {MinimumKeyLength} characters.");
        }

        // The standard OpenTelemetry variable, or the setting; OTLP export is off when neither is set.
        var otlp = configuration["Operations:OtlpEndpoint"] is { Length: > 0 } setting ? setting : configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        // On unless turned off (Operations:Dashboard=false), e.g. to measure what it costs.
        var dashboard = configuration.GetValue<bool?>("Operations:Dashboard") ?? true;
        return new OperationsSettings(key, string.IsNullOrWhiteSpace(otlp) ? null : otlp, environment.IsDevelopment(), dashboard);
    }
}
