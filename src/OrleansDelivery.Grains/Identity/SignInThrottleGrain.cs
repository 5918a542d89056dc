using OrleansDelivery.Identity;

namespace OrleansDelivery.Grains.Identity;

/// <summary>
/// Failed sign-ins for one login or client address within the last <see cref="Window"/>. Kept in memory only: losing
/// the count when the activation goes (idle for the window, or a silo restart) merely ends a throttle early.
/// </summary>
public sealed class SignInThrottleGrain(TimeProvider time) : Grain, ISignInThrottleGrain
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly Queue<DateTimeOffset> _failures = new();

    private int Limit => this.GetPrimaryKeyString().StartsWith("address/", StringComparison.Ordinal) ? 50 : 5;

    public Task<TimeSpan> GetRetryAfterAsync()
    {
        Forget();
        return Task.FromResult(_failures.Count >= Limit ? _failures.Peek() + Window - time.GetUtcNow() : TimeSpan.Zero);
    }

    public Task RecordFailureAsync()
    {
        Forget();
        _failures.Enqueue(time.GetUtcNow());
        DelayDeactivation(Window);
        return Task.CompletedTask;
    }

    public Task ResetAsync()
    {
        _failures.Clear();
        return Task.CompletedTask;
    }

    private void Forget()
    {
        var now = time.GetUtcNow();
        while (_failures.TryPeek(out var oldest) && oldest + Window <= now)
        {
            _failures.Dequeue();
        }
    }
}
