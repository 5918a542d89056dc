namespace OrleansDelivery.Host.Cluster;

/// <summary>
/// Keeps a silo that was frozen (SIGSTOP, a VM paused, a very long GC) from serving until it has read the membership
/// table again. While it was frozen the others may have declared it dead and activated its grains elsewhere; woken, it
/// still believes itself active and would answer reads from its stale activations (a zombie) until its next table
/// refresh. A heartbeat every <see cref="Beat"/> notices the gap; requests meanwhile get 503 with Retry-After.
/// </summary>
public sealed partial class FreezeGuard(
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    ClusterSettings settings,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<FreezeGuard> logger) : BackgroundService
{
    public static readonly TimeSpan Beat = TimeSpan.FromMilliseconds(250);

    private readonly SemaphoreSlim _gapNoticed = new(0, 1);
    private long _lastBeat;
    private volatile bool _watching;
    private volatile bool _suspect;

    /// <summary>A freeze shorter than one probe cannot have got the silo declared dead; only longer ones count.</summary>
    private TimeSpan Threshold => settings.Membership.ProbeTimeout;

    /// <summary>
    /// Whether the heartbeat runs. It starts once the host has started: a silo still starting has only just joined
    /// and cannot be a zombie, while a starved thread pool there (JIT, start-up work on two cores) can delay a beat
    /// past the threshold and would refuse the start-up's own calls (CI saw the demo catalogue's seeding refused).
    /// </summary>
    public bool IsWatching => _watching;

    /// <summary>Whether this silo may answer now: not just woken from a freeze, or confirmed active since.</summary>
    public bool MayServe => !_watching || (!_suspect && time.GetElapsedTime(Interlocked.Read(ref _lastBeat)) < Threshold);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await WhenStartedAsync(stoppingToken);
            Interlocked.Exchange(ref _lastBeat, time.GetTimestamp());
            _watching = true;
            // The heartbeat has a thread of its own. A freeze stops every thread of the process; a busy thread pool
            // only delays its work items, and a heartbeat queued there would take an overloaded silo for a frozen one.
            new Thread(() => Heartbeat(stoppingToken)) { IsBackground = true, Name = "Freeze guard heartbeat" }.Start();
            while (true)
            {
                await _gapNoticed.WaitAsync(stoppingToken);
                await ConfirmMembershipAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Stopping: the heartbeat ends here, and a guard still watching would take its silence for a freeze and
            // refuse the calls and timers of the silo's own graceful stop (the write-behind flushes among them).
            _watching = false;
        }
    }

    private void Heartbeat(CancellationToken stoppingToken)
    {
        while (!stoppingToken.WaitHandle.WaitOne(Beat))
        {
            var gap = time.GetElapsedTime(Interlocked.Read(ref _lastBeat));
            if (gap >= Threshold && !_suspect)
            {
                // Suspect until the confirmation loop, woken here, has read the table.
                _suspect = true;
                LogFrozen(logger, gap.TotalSeconds);
                _gapNoticed.Release();
            }

            Interlocked.Exchange(ref _lastBeat, time.GetTimestamp());
        }
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }
    }

    private async Task ConfirmMembershipAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await membership.Refresh(default, stoppingToken);
                var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
                if (status == SiloStatus.Active)
                {
                    _suspect = false;
                    LogConfirmed(logger);
                    return;
                }

                // Declared dead: Orleans stops this silo; it must not serve on the way out.
                LogNotActive(logger, status);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRefreshFailed(logger, exception);
            }

            await Task.Delay(Beat, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This silo was frozen for {Seconds:0.0} s; it serves nothing until the membership table confirms it is still active")]
    private static partial void LogFrozen(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "The membership table confirms this silo is active again")]
    private static partial void LogConfirmed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "After a freeze this silo is {Status} in the membership table; it serves nothing")]
    private static partial void LogNotActive(ILogger logger, SiloStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the membership table after a freeze")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

public static class FreezeGuardMiddleware
{
    /// <summary>Answers 503 with Retry-After while a silo woken from a freeze has not yet confirmed it is a member.</summary>
    public static IApplicationBuilder UseFreezeGuard(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetService<FreezeGuard>() is not { } guard)
        {
            return app;
        }

        var problems = app.ApplicationServices.GetRequiredService<IProblemDetailsService>();
        return app.Use(async (context, next) =>
        {
            if (guard.MayServe)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = Problems.UnavailableExceptionHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = "This node is rejoining its cluster; try again in a moment." },
            });
        });
    }
}

/// <summary>
/// Refuses calls to the product's grains on a silo woken from a freeze until the membership table confirms it. A call
/// queued while it was frozen would otherwise run on an activation that a new one elsewhere may already replace: its
/// write can land first, leaving the new activation serving the state before it (CI saw a tracking client get a step
/// that the order, read again, no longer showed). The caller gets <see cref="SiloUnavailableException"/>, a 503 with
/// Retry-After, and its retry reaches the new activation. Orleans' own grains and system targets are left alone.
/// </summary>
public sealed class FreezeGuardCallFilter(FreezeGuard guard) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!guard.MayServe && context.TargetContext?.GrainInstance?.GetType().Namespace?.StartsWith("OrleansDelivery", StringComparison.Ordinal) == true)
        {
            throw new SiloUnavailableException("This silo is rejoining its cluster after a freeze; try again in a moment.");
        }

        return context.Invoke();
    }
}
