namespace OrleansDelivery.Orders;

/// <summary>The streams every order change is published on, besides the order's own and its customer's.</summary>
public static class OrderStreams
{
    /// <summary>Every order of the service, on one stream (key <see cref="AllKey"/>), for the staff's projections.</summary>
    public const string AllOrders = "all-orders";

    public const string AllKey = "all";
}
