using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansDelivery.Grains.Payments;

namespace OrleansDelivery.Host.Payments;

/// <summary>The <c>Payments</c> configuration section, as the webhook reads it.</summary>
public sealed class PaymentWebhookOptions
{
    /// <summary>The key the bank signs its webhooks with. Without one the webhook answers 503.</summary>
    public string? WebhookSecret { get; set; }
}

public static class PaymentServices
{
    /// <summary>
    /// The payment settings (checked at start-up) and the gateway the payment grains charge through: the sandbox unless
    /// a real gateway was registered before.
    /// </summary>
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(PaymentOptions.Section);
        services.AddOptions<PaymentOptions>()
            .Bind(section)
            .Validate(options => options.Timeout > TimeSpan.Zero, "Payments:Timeout must be a positive duration, such as 00:15:00.")
            .Validate(options => options.RefundRetryDelay > TimeSpan.Zero, "Payments:RefundRetryDelay must be a positive duration, such as 00:00:30.")
            .Validate(
                options => options.MaxRefundRetryDelay >= options.RefundRetryDelay,
                "Payments:MaxRefundRetryDelay must be at least Payments:RefundRetryDelay, such as 00:10:00.")
            .ValidateOnStart();
        services.AddOptions<PaymentWebhookOptions>().Bind(section);
        services.TryAddSingleton<IPaymentGateway, SandboxPaymentGateway>();
        return services;
    }
}
