namespace OrleansDelivery.Statistics;

/// <summary>
/// One customer's order statistics, keyed by the customer's id: a projection of the customer's orders stream, so
/// asking never visits every order grain.
/// </summary>
public interface ICustomerStatisticsGrain : IGrainWithGuidKey
{
    [ReadOnly]
    Task<OrderStatistics> GetAsync(StatisticsPeriod period);

    /// <summary>Every product the customer ordered (cancelled orders left out), most units first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<ProductQuantity>> GetOrderedProductsAsync();
}
