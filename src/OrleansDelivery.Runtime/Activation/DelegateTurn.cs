namespace OrleansDelivery.Runtime.Activation;

/// <summary>Runs a piece of code as a turn of an activation (used to deliver stream events to subscribed grains).</summary>
internal sealed class DelegateTurn(Func<Task> work, string description) : TurnContext
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal override RequestOptions TurnOptions => RequestOptions.None;

    public static Task RunAsync(ActivationData activation, Func<Task> work)
    {
        var turn = new DelegateTurn(work, $"{activation.GrainId}.stream");
        return activation.TryEnqueue(turn) ? turn._completion.Task : Task.FromException(new Streams.ActivationEndedException());
    }

    internal override string Describe() => description;

    internal override void Start(ActivationData activation)
    {
        Task task;
        try
        {
            task = work();
        }
        catch (Exception exception)
        {
            activation.OnTurnCompleted(this);
            _completion.TrySetException(exception);
            return;
        }

        task.ContinueWith(
            static (completed, state) =>
            {
                var (turn, activation) = ((DelegateTurn, ActivationData))state!;
                activation.OnTurnCompleted(turn);
                if (completed.Exception is { } failure)
                {
                    turn._completion.TrySetException(failure.InnerExceptions);
                }
                else
                {
                    turn._completion.TrySetResult();
                }
            },
            (this, activation),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    internal override void Reject(Exception reason) =>
        _completion.TrySetException(reason is GrainActivationException ? new Streams.ActivationEndedException() : reason);
}
