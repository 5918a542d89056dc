using System.Collections.Immutable;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Kitchen;

/// <summary>
/// The simulated kitchen and courier of one order: from Confirmed it cooks, hands over and delivers on reminders, so
/// live tracking can be watched without staff. Staff (or a cancel) moving the order first simply wins.
/// </summary>
public interface IKitchenSimulatorGrain : IGrainWithGuidKey
{
    /// <summary>Takes the order on; a second call changes nothing.</summary>
    Task StartAsync();
}

/// <summary>
/// How long cooking and delivery take, measured on the orders that went through (the latest of each kind), so that
/// expected times follow the real kitchen and couriers rather than the defaults.
/// </summary>
public interface IDeliveryEstimatesGrain : IGrainWithStringKey
{
    const string Key = "all";

    [ReadOnly]
    Task<DeliveryEstimates> GetAsync();
}

[GenerateSerializer, Immutable, Alias("od.delivery-estimates")]
public sealed record DeliveryEstimates(
    [property: Id(0)] TimeSpan Preparation,
    [property: Id(1)] ImmutableDictionary<DeliveryMethod, TimeSpan> Delivery,
    [property: Id(2)] int CookingSamples,
    [property: Id(3)] ImmutableDictionary<DeliveryMethod, int> DeliverySamples)
{
    public TimeSpan DeliveryBy(DeliveryMethod method) =>
        Delivery.TryGetValue(method, out var measured) ? measured : OrderTransitions.Delivery(method).Duration;

    /// <summary>The defaults, before anything was measured.</summary>
    public static DeliveryEstimates Defaults { get; } = new(OrderTransitions.DefaultPreparation, ImmutableDictionary<DeliveryMethod, TimeSpan>.Empty, 0, ImmutableDictionary<DeliveryMethod, int>.Empty);
}
