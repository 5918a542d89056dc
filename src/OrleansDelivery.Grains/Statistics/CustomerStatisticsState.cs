using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Statistics;

[GenerateSerializer, Alias("od.customer-statistics-state")]
public sealed record CustomerStatisticsState
{
    /// <summary>The newest view of each of the customer's orders the stream has delivered.</summary>
    [Id(0)]
    public Dictionary<Guid, OrderView> Orders { get; init; } = [];
}
