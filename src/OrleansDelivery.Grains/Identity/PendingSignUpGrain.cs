using OrleansDelivery.Identity;

namespace OrleansDelivery.Grains.Identity;

[GenerateSerializer, Alias("od.pending-sign-up-state")]
public sealed record PendingSignUpState
{
    [Id(0)]
    public Guid? SignUpId { get; init; }
}

/// <summary>The single writer of which sign-up is the newest for one login or email.</summary>
public sealed class PendingSignUpGrain([PersistentState("pending-signup")] IPersistentState<PendingSignUpState> pending) : Grain, IPendingSignUpGrain
{
    public async Task<Guid?> ReplaceAsync(Guid signUpId)
    {
        var replaced = pending.State.SignUpId;
        if (replaced == signUpId)
        {
            return null;
        }

        pending.State = new PendingSignUpState { SignUpId = signUpId };
        await pending.WriteStateAsync();
        return replaced;
    }
}
