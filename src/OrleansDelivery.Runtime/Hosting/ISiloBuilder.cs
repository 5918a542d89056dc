using Microsoft.Extensions.DependencyInjection;

namespace OrleansDelivery.Runtime.Hosting;

/// <summary>
/// Configures a silo. Providers register themselves as services by convention:
/// grain storage as a keyed <see cref="IGrainStorage"/> (key = storage name, "Default" unless named),
/// reminders as the single <see cref="IReminderTable"/>, and stream storage as a keyed
/// <see cref="IStreamLog"/> (key = stream provider name).
/// </summary>
public interface ISiloBuilder
{
    IServiceCollection Services { get; }
}

/// <summary>Work that must finish before the silo takes its first call (migrations, schema checks), run in registration order.</summary>
public interface ISiloStartupTask
{
    Task ExecuteAsync(CancellationToken cancellationToken);
}
