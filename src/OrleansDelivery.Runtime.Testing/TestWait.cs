using System.Diagnostics;

namespace OrleansDelivery.Runtime.Testing;

/// <summary>Waits for a condition instead of sleeping a guessed time.</summary>
public static class TestWait
{
    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. The generous cap only keeps a broken test from hanging
    /// the run; it is not a speed check.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? cap = null)
    {
        // Real elapsed time on purpose: the fake clock may never move while a broken test waits.
        var limit = cap ?? TimeSpan.FromSeconds(30);
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"Gave up waiting: {because}");
            }

            await Task.Delay(5);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>
    public static Task UntilAsync(Func<bool> condition, string because, TimeSpan? cap = null) =>
        UntilAsync(() => Task.FromResult(condition()), because, cap);
}
