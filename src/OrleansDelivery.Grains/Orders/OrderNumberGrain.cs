using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Orders;

[GenerateSerializer, Alias("od.order-number-state")]
public sealed record OrderNumberState
{
    [Id(0)]
    public int Last { get; init; }
}

/// <summary>The single writer of one day's order counter, so numbers never repeat.</summary>
public sealed class OrderNumberGrain([PersistentState("numbers")] IPersistentState<OrderNumberState> numbers) : Grain, IOrderNumberGrain
{
    public async Task<int> ReserveAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var first = numbers.State.Last + 1;
        numbers.State = new OrderNumberState { Last = numbers.State.Last + count };
        await numbers.WriteStateAsync();
        return first;
    }
}
