using System.Globalization;
using OrleansDelivery.Grains.Kitchen;

namespace OrleansDelivery.Host.Board;

internal static class KitchenSimulatorSetup
{
    public const double MaxTimeScale = 10_000;

    /// <summary>
    /// <c>Kitchen:Simulate</c> (default: on in Development only) and <c>Kitchen:TimeScale</c> (default 1, real time);
    /// an invalid value stops start-up naming it.
    /// </summary>
    public static IServiceCollection AddKitchenSimulator(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(KitchenOptions.Section);
        var simulate = section["Simulate"] is { Length: > 0 } simulateText
            ? bool.TryParse(simulateText, out var parsed) ? parsed : throw Invalid("Simulate", simulateText, "true or false")
            : environment.IsDevelopment();
        var timeScale = section["TimeScale"] is { Length: > 0 } scaleText
            ? double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale > 0 && scale <= MaxTimeScale
                ? scale
                : throw Invalid("TimeScale", scaleText, $"a number above 0 and at most {MaxTimeScale}")
            : 1;
        services.Configure<KitchenOptions>(options =>
        {
            options.Simulate = simulate;
            options.TimeScale = timeScale;
        });
        return services;
    }

    private static InvalidOperationException Invalid(string key, string value, string expected) =>
        new($"The setting '{KitchenOptions.Section}:{key}' is '{value}'; it must be {expected}.");
}
