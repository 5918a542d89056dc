using OrleansDelivery.Identity;

namespace OrleansDelivery.Grains.Identity;

[GenerateSerializer, Alias("od.session-state")]
public sealed record SessionState
{
    [Id(0)]
    public Session? Session { get; init; }

    [Id(1)]
    public bool Revoked { get; init; }
}

/// <summary>The single writer of one session token's lifetime.</summary>
public sealed class SessionGrain([PersistentState("session")] IPersistentState<SessionState> session, TimeProvider time) : Grain, ISessionGrain
{
    public async Task<Session> OpenAsync(Guid customerId, TimeSpan lifetime, CustomerRole role, string csrfTokenHash)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lifetime, TimeSpan.Zero);
        if (session.State.Session is not null)
        {
            // Keys are hashes of 256 random bits: a second open of one key is a bug, not a collision.
            throw new InvalidOperationException("This session was opened already.");
        }

        session.State = new SessionState { Session = new Session(customerId, time.GetUtcNow() + lifetime, role, csrfTokenHash) };
        await session.WriteStateAsync();
        return session.State.Session;
    }

    public Task<Session?> GetAsync() => Task.FromResult(
        session.State is { Session: { } current, Revoked: false } && time.GetUtcNow() < current.ExpiresAt ? current : null);

    public async Task RevokeAsync()
    {
        if (session.State.Session is not null && !session.State.Revoked)
        {
            session.State = session.State with { Revoked = true };
            await session.WriteStateAsync();
        }
    }
}
