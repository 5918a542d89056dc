using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Orders;

[GenerateSerializer, Alias("od.checkout-state")]
public sealed record CheckoutState
{
    [Id(0)]
    public Guid? OrderId { get; init; }
}

/// <summary>The single writer of which order one idempotency key stands for.</summary>
public sealed class CheckoutGrain([PersistentState("checkout")] IPersistentState<CheckoutState> checkout) : Grain, ICheckoutGrain
{
    public async Task<Guid> GetOrderIdAsync()
    {
        if (checkout.State.OrderId is { } existing)
        {
            return existing;
        }

        checkout.State = new CheckoutState { OrderId = Guid.NewGuid() };
        await checkout.WriteStateAsync();
        return checkout.State.OrderId.Value;
    }
}

[GenerateSerializer, Alias("od.order-number-state")]
public sealed record OrderNumberState
{
    [Id(0)]
    public int Last { get; init; }
}

/// <summary>The single writer of one day's order counter, so numbers never repeat.</summary>
public sealed class OrderNumberGrain([PersistentState("numbers")] IPersistentState<OrderNumberState> numbers) : Grain, IOrderNumberGrain
{
    public async Task<string> NextAsync()
    {
        numbers.State = new OrderNumberState { Last = numbers.State.Last + 1 };
        await numbers.WriteStateAsync();
        return $"{this.GetPrimaryKeyString()}-{numbers.State.Last:D4}";
    }
}
