using OrleansDelivery.Orders;
using OrleansDelivery.Payments;
using OrleansDelivery.Ratings;

namespace OrleansDelivery.Grains.Orders;

[GenerateSerializer, Alias("od.order-state")]
public sealed record OrderState
{
    [Id(0)]
    public PlaceOrder? Order { get; init; }

    [Id(1)]
    public OrderStatus Status { get; init; }

    [Id(2)]
    public List<OrderStatusChange> History { get; init; } = [];

    [Id(3)]
    public OrderTimes Times { get; init; } = new();

    [Id(4)]
    public string? CancellationReason { get; init; }

    [Id(5)]
    public decimal DeliveryPrice { get; init; }

    /// <summary>The payment as its grain last reported it; the payment grain holds the record.</summary>
    [Id(6)]
    public PaymentView? Payment { get; init; }

    [Id(7)]
    public OrderRating? Rating { get; init; }
}
