using System.Text.Json;
using OrleansDelivery.Runtime.Activation;

namespace OrleansDelivery.Runtime;

/// <summary>
/// A call to one grain method: the generated request class of each method holds the arguments as fields and
/// knows how to invoke the method on the grain, and how to write and read its arguments as JSON so the call
/// can cross a process boundary.
/// </summary>
public abstract class GrainRequest : TurnContext
{
    /// <summary>The grain interface's name, for messages.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>The method's name, for messages.</summary>
    public abstract string MethodName { get; }

    /// <summary>Stable identity of the method across processes: "Namespace.IInterface.Method" plus an overload suffix.</summary>
    public abstract string MethodId { get; }

    /// <summary>Interleaving options from the method's attributes.</summary>
    public virtual RequestOptions Options => RequestOptions.None;

    /// <summary>Writes the arguments as a JSON array.</summary>
    public abstract void WriteArguments(Utf8JsonWriter writer, JsonSerializerOptions options);

    /// <summary>Reads the arguments from a JSON array written by <see cref="WriteArguments"/>.</summary>
    public abstract void ReadArguments(ref Utf8JsonReader reader, JsonSerializerOptions options);

    /// <summary>The grain this request is addressed to; set when it is sent.</summary>
    internal GrainId Target { get; set; }

    /// <summary>When the caller gives up, as a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    internal long DeadlineTimestamp { get; set; }

    internal sealed override RequestOptions TurnOptions => Options;

    internal sealed override string Describe() => $"{Target}.{MethodName}";

    /// <summary>Fails the caller with a timeout naming the grain and method; false if the request had already completed.</summary>
    internal abstract bool TryTimeout(TimeSpan timeout);

    /// <summary>Writes the result of a completed request (for responses that cross a process boundary).</summary>
    public abstract void WriteResult(Utf8JsonWriter writer, JsonSerializerOptions options);

    /// <summary>
    /// Completes this request with the outcome of <paramref name="delivered"/>, a copy of it that was deserialized on
    /// the receiving side; the result crosses back as JSON, a failure with its type and message.
    /// </summary>
    internal abstract void CompleteFrom(GrainRequest delivered, JsonSerializerOptions options);
}

/// <summary>A request whose method returns <typeparamref name="TResult"/> (or nothing, as <see cref="VoidResult"/>).</summary>
public abstract class GrainRequest<TResult> : GrainRequest
{
    // Continuations run asynchronously so a caller never runs inline on the callee's activation thread.
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The task the caller awaits.</summary>
    public Task<TResult> ResultTask => _completion.Task;

    internal override bool IsAbandoned => _completion.Task.IsCompleted;

    /// <summary>Invokes the method on the grain. Generated.</summary>
    protected abstract ValueTask<TResult> InvokeAsync(object grain);

    internal sealed override void Start(ActivationData activation)
    {
        ValueTask<TResult> invocation;
        try
        {
            invocation = InvokeAsync(activation.GrainInstance);
        }
        catch (Exception exception)
        {
            activation.OnTurnCompleted(this);
            _completion.TrySetException(exception);
            return;
        }

        if (invocation.IsCompleted)
        {
            Complete(activation, invocation);
        }
        else
        {
            // Only calls that really wait pay for this object; the common synchronous path allocates nothing here.
            new PendingInvocation(this, activation, invocation).Watch();
        }
    }

    private void Complete(ActivationData activation, ValueTask<TResult> invocation)
    {
        activation.OnTurnCompleted(this);
        try
        {
            _completion.TrySetResult(invocation.Result);
        }
        catch (OperationCanceledException canceled)
        {
            _completion.TrySetCanceled(canceled.CancellationToken);
        }
        catch (Exception exception)
        {
            _completion.TrySetException(exception);
        }
    }

    internal sealed override void Reject(Exception reason) => _completion.TrySetException(reason);

    internal sealed override bool TryTimeout(TimeSpan timeout) =>
        _completion.TrySetException(new TimeoutException(
            $"The call {InterfaceName}.{MethodName} to grain {Target} timed out after {timeout.TotalSeconds:0.###} s."));

    /// <summary>Completes the caller with a result that came back from another process.</summary>
    internal void SetRemoteResult(TResult result) => _completion.TrySetResult(result);

    /// <summary>Completes the caller with a failure that came back from another process.</summary>
    internal void SetRemoteException(Exception exception) => _completion.TrySetException(exception);

    public sealed override void WriteResult(Utf8JsonWriter writer, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, ResultTask.Result, options);

    /// <summary>Reads a result written by <see cref="WriteResult"/>.</summary>
    public TResult ReadResult(ref Utf8JsonReader reader, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<TResult>(ref reader, options)!;

    internal sealed override void CompleteFrom(GrainRequest delivered, JsonSerializerOptions options)
    {
        ((GrainRequest<TResult>)delivered).ResultTask.ContinueWith(
            (outcome, state) =>
            {
                var original = (GrainRequest<TResult>)state!;
                if (outcome.IsCompletedSuccessfully)
                {
                    var json = JsonSerializer.SerializeToUtf8Bytes(outcome.Result, options);
                    original.SetRemoteResult(JsonSerializer.Deserialize<TResult>(json, options)!);
                }
                else if (outcome.IsCanceled)
                {
                    original._completion.TrySetCanceled();
                }
                else
                {
                    original.SetRemoteException(outcome.Exception!.InnerException ?? outcome.Exception);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private sealed class PendingInvocation(GrainRequest<TResult> request, ActivationData activation, ValueTask<TResult> invocation)
    {
        public void Watch() => invocation.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnCompleted);

        private void OnCompleted() => request.Complete(activation, invocation);
    }
}
