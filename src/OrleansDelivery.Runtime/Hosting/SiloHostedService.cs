using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime.Hosting;

/// <summary>
/// Starts the silo with the host and stops it gracefully: no new activations, every grain deactivated (its
/// OnDeactivateAsync run), reminders and streams stopped.
/// </summary>
internal sealed partial class SiloHostedService(
    GrainRuntime runtime,
    IEnumerable<ISiloStartupTask> startupTasks,
    ILogger<SiloHostedService> logger) : IHostedService, IAsyncDisposable
{
    private readonly ActivationSweeper _sweeper = new(runtime);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var task in startupTasks)
        {
            await task.ExecuteAsync(cancellationToken);
        }

        foreach (var provider in runtime.StreamProviders)
        {
            await provider.Log.InitializeAsync(cancellationToken);
        }

        await runtime.Reminders.StartAsync(cancellationToken);
        _sweeper.Start();
        Log.Started(logger, runtime.Options.SiloName, runtime.Registry.Classes.Count());
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.Stopping(logger, runtime.Options.SiloName, runtime.Catalog.Count);
        await runtime.Reminders.DisposeAsync();
        try
        {
            await runtime.Catalog.DeactivateAllAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Log.StopTimedOut(logger, runtime.Catalog.Count);
        }

        runtime.BeginStopping();
        foreach (var provider in runtime.StreamProviders)
        {
            await provider.DisposeAsync();
        }

        await _sweeper.DisposeAsync();
    }

    public ValueTask DisposeAsync() => _sweeper.DisposeAsync();

    private static partial class Log
    {
        [LoggerMessage(50, LogLevel.Information, "Silo {SiloName} started with {GrainClassCount} grain classes")]
        public static partial void Started(ILogger logger, string siloName, int grainClassCount);

        [LoggerMessage(51, LogLevel.Information, "Silo {SiloName} stopping: deactivating {ActivationCount} activations")]
        public static partial void Stopping(ILogger logger, string siloName, int activationCount);

        [LoggerMessage(52, LogLevel.Warning, "Silo stop timed out with {ActivationCount} activations left")]
        public static partial void StopTimedOut(ILogger logger, int activationCount);
    }
}
