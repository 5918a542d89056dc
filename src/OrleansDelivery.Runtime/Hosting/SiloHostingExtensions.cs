using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrleansDelivery.Runtime.Activation;
using OrleansDelivery.Runtime.Persistence;
using OrleansDelivery.Runtime.Reminders;
using OrleansDelivery.Runtime.Streams;

namespace OrleansDelivery.Runtime.Hosting;

/// <summary>Puts a silo into a generic host or a <c>WebApplicationBuilder</c>.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Adds a silo: endpoints and services can then take <see cref="IGrainFactory"/>. Without other providers it
    /// keeps grain state, reminders and streams in memory.
    /// </summary>
    public static IHostApplicationBuilder AddSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSilo(configure);
        return builder;
    }

    /// <inheritdoc cref="AddSilo(IHostApplicationBuilder, Action{ISiloBuilder}?)"/>
    public static IServiceCollection AddSilo(this IServiceCollection services, Action<ISiloBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var silo = new SiloBuilder(services);
        configure?.Invoke(silo);

        // Memory providers fill whatever the configuration left open.
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new GrainStateSerializer());
        services.TryAddKeyedSingleton<IGrainStorage>(GrainStorageNames.Default, static (sp, _) => new MemoryGrainStorage(sp.GetRequiredService<GrainStateSerializer>()));
        services.TryAddSingleton<IReminderTable, MemoryReminderTable>();
        services.TryAddKeyedSingleton<IStreamLog>(StreamProviderNames.Default, static (_, _) => new MemoryStreamLog());
        services.AddOptions<SiloOptions>();

        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton<IGrainFactory>(static sp => sp.GetRequiredService<GrainRuntime>().GrainFactory);
        services.TryAddSingleton<ISiloStatus>(static sp => new SiloStatus(sp.GetRequiredService<GrainRuntime>()));
        services.TryAddKeyedSingleton<IStreamProvider>(KeyedService.AnyKey, static (sp, key) =>
            sp.GetRequiredService<GrainRuntime>().GetStreamProvider(key as string ?? StreamProviderNames.Default));
        services.TryAddSingleton<IStreamProvider>(static sp => sp.GetRequiredService<GrainRuntime>().GetStreamProvider(StreamProviderNames.Default));
        services.AddHostedService<SiloHostedService>();
        return services;
    }

    /// <summary>Configures <see cref="SiloOptions"/>.</summary>
    public static ISiloBuilder Configure(this ISiloBuilder silo, Action<SiloOptions> configure)
    {
        silo.Services.Configure(configure);
        return silo;
    }

    /// <summary>Keeps grain state, reminders and streams in memory (the default; explicit for readability).</summary>
    public static ISiloBuilder UseInMemoryStorage(this ISiloBuilder silo) => silo;

    private sealed class SiloBuilder(IServiceCollection services) : ISiloBuilder
    {
        public IServiceCollection Services => services;
    }
}
