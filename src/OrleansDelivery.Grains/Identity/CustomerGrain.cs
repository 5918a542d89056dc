using OrleansDelivery.Favorites;
using OrleansDelivery.Identity;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Identity;

[GenerateSerializer, Alias("od.customer-state")]
public sealed record CustomerState
{
    [Id(0)]
    public SignUpDetails? Details { get; init; }

    [Id(1)]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The customer's orders, oldest first.</summary>
    [Id(2)]
    public List<Guid> Orders { get; init; } = [];

    [Id(3)]
    public CustomerRole Role { get; init; }

    [Id(4)]
    public CustomerSettings Settings { get; init; } = CustomerSettings.Default;

    /// <summary>Open sessions by key, with their expiry, so they can be revoked together.</summary>
    [Id(5)]
    public Dictionary<string, DateTimeOffset> Sessions { get; init; } = [];

    [Id(6)]
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>Saved orders to order again, oldest first.</summary>
    [Id(7)]
    public List<Favorite> Favorites { get; init; } = [];
}

/// <summary>The single writer of one customer's profile, credentials, role, settings, order index and favourites.</summary>
public sealed class CustomerGrain([PersistentState("customer")] IPersistentState<CustomerState> customer, TimeProvider time)
    : Grain, ICustomerGrain, IFavoritesGrain
{
    private bool Exists => customer.State is { Details: not null, DeletedAt: null };

    public async Task CreateAsync(SignUpDetails details, CustomerRole role)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (customer.State.Details is null)
        {
            customer.State = new CustomerState { Details = details, CreatedAt = time.GetUtcNow(), Role = role };
            await customer.WriteStateAsync();
        }
    }

    public Task<CustomerProfile?> GetProfileAsync() => Task.FromResult(Exists ? Profile() : null);

    public Task<string?> GetPasswordHashAsync() => Task.FromResult(Exists ? customer.State.Details!.PasswordHash : null);

    public async Task<ProfileUpdate> UpdateProfileAsync(ProfileChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (!Exists)
        {
            return new ProfileUpdate.Unknown();
        }

        var id = this.GetPrimaryKey();
        var details = customer.State.Details!;
        var moves = new[] { (Field: UniqueKeys.Email, Old: details.Email, New: changes.Email), (Field: UniqueKeys.Phone, Old: details.Phone, New: changes.Phone) }
            .Where(move => UniqueKeys.Of(move.Field, move.Old) != UniqueKeys.Of(move.Field, move.New))
            .ToList();

        // Claim every new value before letting any old one go, so a refusal leaves the customer as they were.
        var claimed = new List<IUniqueIndexGrain>();
        foreach (var move in moves)
        {
            var index = GrainFactory.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(move.Field, move.New));
            if (!await index.ClaimAsync(id))
            {
                foreach (var release in claimed)
                {
                    await release.ReleaseAsync(id);
                }

                return new ProfileUpdate.Taken(move.Field);
            }

            claimed.Add(index);
        }

        customer.State = customer.State with
        {
            Details = details with { FirstName = changes.FirstName, LastName = changes.LastName, Email = changes.Email, Phone = changes.Phone },
        };
        await customer.WriteStateAsync();
        foreach (var move in moves)
        {
            await GrainFactory.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(move.Field, move.Old)).ReleaseAsync(id);
        }

        return new ProfileUpdate.Updated(Profile());
    }

    public async Task ChangePasswordAsync(string passwordHash, string? keepSessionKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        if (!Exists)
        {
            return;
        }

        customer.State = customer.State with { Details = customer.State.Details! with { PasswordHash = passwordHash } };
        await RevokeSessionsAsync(keepSessionKey);
    }

    public async Task<AccountDeletion> DeleteAsync()
    {
        if (!Exists)
        {
            return AccountDeletion.Unknown;
        }

        foreach (var orderId in customer.State.Orders)
        {
            if (await GrainFactory.GetGrain<IOrderGrain>(orderId).GetAsync() is { Status: not (OrderStatus.Delivered or OrderStatus.Cancelled) })
            {
                return AccountDeletion.OrdersInProgress;
            }
        }

        var id = this.GetPrimaryKey();
        var details = customer.State.Details!;
        customer.State = customer.State with { DeletedAt = time.GetUtcNow() };
        await RevokeSessionsAsync(keepSessionKey: null);
        foreach (var (field, value) in new[] { (UniqueKeys.Login, details.Login), (UniqueKeys.Email, details.Email), (UniqueKeys.Phone, details.Phone) })
        {
            await GrainFactory.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(field, value)).ReleaseAsync(id);
        }

        return AccountDeletion.Deleted;
    }

    public async Task<bool> SetRoleAsync(CustomerRole role)
    {
        if (!Exists)
        {
            return false;
        }

        if (customer.State.Role != role)
        {
            customer.State = customer.State with { Role = role };
            await RevokeSessionsAsync(keepSessionKey: null);
        }

        return true;
    }

    public Task<CustomerSettings?> GetSettingsAsync() => Task.FromResult(Exists ? customer.State.Settings : null);

    public async Task<bool> UpdateSettingsAsync(CustomerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Exists)
        {
            return false;
        }

        customer.State = customer.State with { Settings = settings };
        await customer.WriteStateAsync();
        return true;
    }

    public async Task AddSessionAsync(string sessionKey, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        var sessions = customer.State.Sessions.Where(session => session.Value > now).ToDictionary();
        sessions[sessionKey] = expiresAt;
        customer.State = customer.State with { Sessions = sessions };
        await customer.WriteStateAsync();
    }

    public async Task AddOrderAsync(Guid orderId)
    {
        if (!customer.State.Orders.Contains(orderId))
        {
            customer.State = customer.State with { Orders = [.. customer.State.Orders, orderId] };
            await customer.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<Guid>> GetOrderIdsAsync() =>
        Task.FromResult<IReadOnlyList<Guid>>(customer.State.Orders.AsEnumerable().Reverse().ToList());

    public async Task<FavoriteResult> SaveFavoriteAsync(string name, OrderView order)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(order);
        name = name.Trim();
        var favorites = customer.State.Favorites;
        if (favorites.Any(favorite => string.Equals(favorite.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return new FavoriteResult.NameTaken(name);
        }

        if (favorites.Count >= IFavoritesGrain.MaxFavorites)
        {
            return new FavoriteResult.Full();
        }

        var saved = new Favorite(Guid.NewGuid(), name, order.Id, order.Lines, time.GetUtcNow());
        customer.State = customer.State with { Favorites = [.. favorites, saved] };
        await customer.WriteStateAsync();
        return new FavoriteResult.Saved(saved);
    }

    public Task<IReadOnlyList<Favorite>> GetFavoritesAsync() =>
        Task.FromResult<IReadOnlyList<Favorite>>(customer.State.Favorites.AsEnumerable().Reverse().ToList());

    public Task<Favorite?> GetFavoriteAsync(Guid favoriteId) =>
        Task.FromResult(customer.State.Favorites.Find(favorite => favorite.Id == favoriteId));

    public async Task<bool> RemoveFavoriteAsync(Guid favoriteId)
    {
        if (!customer.State.Favorites.Any(favorite => favorite.Id == favoriteId))
        {
            return false;
        }

        customer.State = customer.State with { Favorites = [.. customer.State.Favorites.Where(favorite => favorite.Id != favoriteId)] };
        await customer.WriteStateAsync();
        return true;
    }

    /// <summary>Writes the state with only <paramref name="keepSessionKey"/> left open, then revokes the others.</summary>
    private async Task RevokeSessionsAsync(string? keepSessionKey)
    {
        var revoked = customer.State.Sessions.Keys.Where(key => key != keepSessionKey).ToList();
        customer.State = customer.State with { Sessions = customer.State.Sessions.Where(session => session.Key == keepSessionKey).ToDictionary() };
        await customer.WriteStateAsync();
        await Task.WhenAll(revoked.Select(key => GrainFactory.GetGrain<ISessionGrain>(key).RevokeAsync()));
    }

    private CustomerProfile Profile()
    {
        var details = customer.State.Details!;
        return new CustomerProfile(
            this.GetPrimaryKey(), details.Login, details.Email, details.Phone, details.FirstName, details.LastName, customer.State.CreatedAt, customer.State.Role);
    }
}
