using System.Diagnostics;

namespace OrleansDelivery.Testing;

/// <summary>
/// Waits for a condition instead of sleeping a fixed time. The cap only stops a broken test from hanging; a test
/// that passes returns as soon as the condition holds.
/// </summary>
public static class Wait
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan cap, string what)
    {
        var watch = Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(20);
        Exception? lastError = null;
        while (true)
        {
            try
            {
                var value = await probe();
                if (done(value))
                {
                    return value;
                }

                lastError = null;
            }
            catch (Exception error) when (watch.Elapsed < cap)
            {
                lastError = error;
            }

            if (watch.Elapsed >= cap)
            {
                throw new TimeoutException($"Gave up after {cap.TotalSeconds:0} s waiting for {what}.", lastError);
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
