using System.Collections.Immutable;
using OrleansDelivery.Statistics;

namespace OrleansDelivery.Grains.Statistics;

/// <summary>The single writer of what is bought with one product.</summary>
public sealed class BoughtTogetherGrain([PersistentState("together")] IPersistentState<BoughtTogetherState> together) : Grain, IBoughtTogetherGrain
{
    public async Task AddOrderAsync(Guid orderId, ImmutableArray<Guid> otherProducts)
    {
        if (together.State.Orders.Contains(orderId))
        {
            return;
        }

        var counts = new Dictionary<Guid, int>(together.State.Counts);
        foreach (var product in otherProducts.Distinct().Where(product => product != this.GetPrimaryKey()))
        {
            counts[product] = counts.GetValueOrDefault(product) + 1;
        }

        together.State = together.State with { Counts = counts, Orders = [.. together.State.Orders, orderId] };
        await together.WriteStateAsync();
    }

    public Task<IReadOnlyList<BoughtTogetherCount>> GetTopAsync(int count) =>
        Task.FromResult<IReadOnlyList<BoughtTogetherCount>>(together.State.Counts
            .OrderByDescending(pair => pair.Value)
            .ThenBy(pair => pair.Key)
            .Take(count)
            .Select(pair => new BoughtTogetherCount(pair.Key, pair.Value))
            .ToList());
}
