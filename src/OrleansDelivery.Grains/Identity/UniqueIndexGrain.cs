using OrleansDelivery.Identity;

namespace OrleansDelivery.Grains.Identity;

[GenerateSerializer, Alias("od.unique-index-state")]
public sealed record UniqueIndexState
{
    [Id(0)]
    public Guid? Owner { get; init; }
}

/// <summary>The single writer of who owns one login, email or phone: two sign-ups can never both get it.</summary>
public sealed class UniqueIndexGrain([PersistentState("index")] IPersistentState<UniqueIndexState> index) : Grain, IUniqueIndexGrain
{
    public Task<Guid?> GetOwnerAsync() => Task.FromResult(index.State.Owner);

    public async Task<bool> ClaimAsync(Guid owner)
    {
        if (index.State.Owner is { } current)
        {
            return current == owner;
        }

        index.State = new UniqueIndexState { Owner = owner };
        await index.WriteStateAsync();
        return true;
    }

    public async Task ReleaseAsync(Guid owner)
    {
        if (index.State.Owner == owner)
        {
            index.State = new UniqueIndexState();
            await index.WriteStateAsync();
        }
    }
}
