using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Operations;

/// <summary>
/// The business meter, <c>OrleansDelivery</c>: what happened to orders and payments, counted where it happens (in
/// the grain that owns the order or the payment), so every node exports what its own grains did and a scraper sums
/// the nodes. Made by the host's <see cref="IMeterFactory"/>, so two hosts in one process keep apart.
/// </summary>
public sealed class DeliveryMetrics
{
    public const string MeterName = "OrleansDelivery";

    private readonly Counter<long> _placed;
    private readonly Counter<long> _paid;
    private readonly Counter<long> _cancelled;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _payments;
    private readonly Histogram<double> _checkout;
    private readonly Counter<long> _trackingCaughtUp;

    public DeliveryMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _placed = meter.CreateCounter<long>("orleansdelivery.orders.placed", "{order}", "Orders placed.");
        _paid = meter.CreateCounter<long>("orleansdelivery.orders.paid", "{order}", "Orders whose payment was confirmed (in advance or at the door).");
        _cancelled = meter.CreateCounter<long>("orleansdelivery.orders.cancelled", "{order}", "Orders cancelled, by who cancelled them.");
        _delivered = meter.CreateCounter<long>("orleansdelivery.orders.delivered", "{order}", "Orders delivered or picked up.");
        _payments = meter.CreateCounter<long>("orleansdelivery.payments", "{payment}", "Payment outcomes, by payment type and outcome.");
        _checkout = meter.CreateHistogram<double>(
            "orleansdelivery.checkout.duration",
            "s",
            "How long a checkout (POST /api/orders) took, by its HTTP status code.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _trackingCaughtUp = meter.CreateCounter<long>(
            "orleansdelivery.tracking.caught_up",
            "{order}",
            "Watched orders whose steps a node's tracking relay had to read from the order because the stream had not brought them.");
    }

    public void OrderPlaced(PaymentType payment, DeliveryMethod delivery) =>
        _placed.Add(1, new("payment.type", payment.ToString()), new("delivery.method", delivery.ToString()));

    public void OrderPaid(PaymentType payment) => _paid.Add(1, new KeyValuePair<string, object?>("payment.type", payment.ToString()));

    /// <summary>Counts a cancellation by the kind of actor (<c>customer</c>, <c>staff</c>, <c>payment-timeout</c>), never by who.</summary>
    public void OrderCancelled(string by) => _cancelled.Add(1, new KeyValuePair<string, object?>("cancelled.by", ActorKind(by)));

    public void OrderDelivered(DeliveryMethod delivery) => _delivered.Add(1, new KeyValuePair<string, object?>("delivery.method", delivery.ToString()));

    /// <summary>Counts one payment outcome: approved, declined, gateway_failed, bank_confirmed, bank_failed, confirmed_at_door, refunded.</summary>
    public void PaymentOutcome(PaymentType payment, string outcome) =>
        _payments.Add(1, new("payment.type", payment.ToString()), new("payment.outcome", outcome));

    public void CheckoutTook(TimeSpan duration, int statusCode) =>
        _checkout.Record(duration.TotalSeconds, new TagList { { "http.response.status_code", statusCode } });

    /// <summary>Counts a watched order whose stream missed a step, found by the tracking relay's catch-up.</summary>
    public void TrackingCaughtUp() => _trackingCaughtUp.Add(1);

    private static string ActorKind(string by)
    {
        var colon = by.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? by : by[..colon];
    }
}
