namespace OrleansDelivery.Runtime;

/// <summary>The result of a grain method that returns a plain <see cref="Task"/> or <see cref="ValueTask"/>.</summary>
public readonly record struct VoidResult
{
    /// <summary>Adapts a method's <see cref="Task"/>; allocates nothing when it has already completed.</summary>
    public static ValueTask<VoidResult> From(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.IsCompletedSuccessfully ? default : Await(task);

        static async ValueTask<VoidResult> Await(Task task)
        {
            await task.ConfigureAwait(false);
            return default;
        }
    }

    /// <summary>Adapts a method's <see cref="ValueTask"/>; allocates nothing when it has already completed.</summary>
    public static ValueTask<VoidResult> From(ValueTask task)
    {
        if (task.IsCompletedSuccessfully)
        {
            // Observing the result releases a pooled IValueTaskSource behind the ValueTask.
            task.GetAwaiter().GetResult();
            return default;
        }

        return Await(task);

        static async ValueTask<VoidResult> Await(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return default;
        }
    }
}
