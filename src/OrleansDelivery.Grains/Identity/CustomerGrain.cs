using OrleansDelivery.Identity;

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
}

/// <summary>The single writer of one customer's profile and credentials.</summary>
public sealed class CustomerGrain([PersistentState("customer")] IPersistentState<CustomerState> customer, TimeProvider time) : Grain, ICustomerGrain
{
    public async Task CreateAsync(SignUpDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (customer.State.Details is null)
        {
            customer.State = new CustomerState { Details = details, CreatedAt = time.GetUtcNow() };
            await customer.WriteStateAsync();
        }
    }

    public Task<CustomerProfile?> GetProfileAsync() => Task.FromResult(customer.State.Details is { } details
        ? new CustomerProfile(this.GetPrimaryKey(), details.Login, details.Email, details.Phone, details.FirstName, details.LastName, customer.State.CreatedAt)
        : null);

    public Task<string?> GetPasswordHashAsync() => Task.FromResult(customer.State.Details?.PasswordHash);

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
}
