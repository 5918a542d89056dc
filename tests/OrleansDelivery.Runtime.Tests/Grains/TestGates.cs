using System.Collections.Concurrent;

namespace OrleansDelivery.Runtime.Tests.Grains;

/// <summary>
/// Gates a test opens to let a grain method finish, addressed by name because a TaskCompletionSource cannot be
/// a grain-call argument.
/// </summary>
public static class TestGates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> Entered = new();

    public static string NewName() => Guid.NewGuid().ToString("N");

    public static Task WaitAsync(string gate) => Get(Gates, gate).Task;

    public static void Open(string gate) => Get(Gates, gate).TrySetResult();

    public static void Fail(string gate, Exception exception) => Get(Gates, gate).TrySetException(exception);

    /// <summary>Signals that a method has started.</summary>
    public static void SignalEntered(string gate) => Get(Entered, gate).TrySetResult();

    public static Task WhenEnteredAsync(string gate) => Get(Entered, gate).Task;

    private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> map, string gate) =>
        map.GetOrAdd(gate, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
