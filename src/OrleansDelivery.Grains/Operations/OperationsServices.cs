using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansDelivery.Grains.Operations;

public static class OperationsServices
{
    /// <summary>The business meter the order and payment grains count on; every silo needs it.</summary>
    public static IServiceCollection AddDeliveryMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<DeliveryMetrics>();
        return services;
    }
}
