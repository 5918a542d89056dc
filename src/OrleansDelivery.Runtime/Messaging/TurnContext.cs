using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime;

/// <summary>
/// One unit of work on an activation — a request, a timer tick, an activation step — and the
/// <see cref="SynchronizationContext"/> its code runs under. Every <c>await</c> in grain code captures it, so the
/// continuation is posted back to the activation and runs as part of the same turn, one piece of grain code at
/// a time. Being the context itself also tells the runtime which request is calling out, for call chains,
/// without any per-call allocation.
/// </summary>
public abstract class TurnContext : SynchronizationContext
{
    private protected TurnContext()
    {
    }

    /// <summary>The activation this turn runs on; set when the turn is admitted.</summary>
    internal ActivationData? Activation { get; set; }

    /// <summary>How this turn may share the activation with others.</summary>
    internal abstract RequestOptions TurnOptions { get; }

    /// <summary>True once the turn has been admitted to run and until it completes.</summary>
    internal bool IsRunning { get; set; }

    /// <summary>The turn that made this call, or null for a call from outside any grain.</summary>
    internal TurnContext? Caller { get; set; }

    /// <summary>Short text for diagnostics: "grain.method".</summary>
    internal abstract string Describe();

    /// <summary>Starts the turn on <paramref name="activation"/>; runs on the activation with this context current.</summary>
    internal abstract void Start(ActivationData activation);

    /// <summary>Ends the turn without running it (activation failed, silo stopping, deadlock).</summary>
    internal abstract void Reject(Exception reason);

    /// <summary>Whether running this turn counts as use of the activation, postponing idle collection.</summary>
    internal virtual bool CountsAsActivity => true;

    /// <summary>True when nobody waits for this turn any more (its caller timed out), so it need not run.</summary>
    internal virtual bool IsAbandoned => false;

    public override void Post(SendOrPostCallback d, object? state)
    {
        var activation = Activation;
        if (activation is null)
        {
            // Not yet admitted: there is no activation to return to, so behave like the default context.
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.d(s.state), (d, state), preferLocal: false);
            return;
        }

        activation.EnqueueContinuation(this, d, state);
    }

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Grain code cannot block its activation with a synchronous Send; await instead.");

    public override SynchronizationContext CreateCopy() => this;
}
