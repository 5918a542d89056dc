using System.Collections.Immutable;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansDelivery.Kitchen;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Kitchen;

[GenerateSerializer, Alias("od.delivery-estimates-state")]
public sealed record DeliveryEstimatesState
{
    /// <summary>The latest cooking times (cooking started → ready), oldest first.</summary>
    [Id(0)]
    public List<TimeSpan> Cooking { get; init; } = [];

    /// <summary>The latest delivery times (out for delivery → delivered) per method, oldest first.</summary>
    [Id(1)]
    public Dictionary<DeliveryMethod, List<TimeSpan>> Delivery { get; init; } = [];

    /// <summary>Orders already measured, so a repeated event is not counted twice.</summary>
    [Id(2)]
    public List<string> Measured { get; init; } = [];

    /// <summary>The last event applied; the subscription resumes after it (see <see cref="StreamResumePoint"/>).</summary>
    [Id(3)]
    public StreamResumePoint? ResumeAfter { get; set; }
}

/// <summary>
/// The single writer of measured cooking and delivery times, a projection of the all-orders stream. An estimate is
/// the mean of the latest <see cref="Window"/> measurements once there are <see cref="MinimumSamples"/>; before that
/// the defaults hold. The state is written at most every few seconds: a crash loses a few samples, not correctness.
/// </summary>
[ImplicitStreamSubscription(OrderStreams.AllOrders)]
public sealed class DeliveryEstimatesGrain([PersistentState("estimates")] IPersistentState<DeliveryEstimatesState> estimates)
    : Grain, IDeliveryEstimatesGrain, IStreamSubscriptionObserver, IAsyncObserver<OrderView>
{
    public const int Window = 50;
    public const int MinimumSamples = 3;
    private static readonly TimeSpan Shortest = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Longest = TimeSpan.FromHours(4);

    private readonly WriteBehind _writeBehind = new();
    private DeliveryEstimates? _current;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind.Start(this, () => estimates.WriteStateAsync());
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await _writeBehind.FlushAsync();

    public Task<DeliveryEstimates> GetAsync() => Task.FromResult(_current ??= Compute());

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<OrderView>().ResumeAsync(this, estimates.State.ResumeAfter?.ToToken());

    public Task OnNextAsync(OrderView order, StreamSequenceToken? token = null)
    {
        estimates.State.ResumeAfter = StreamResumePoint.After(token, estimates.State.ResumeAfter);
        var times = order.Times;
        if (order.Status == OrderStatus.ReadyForDelivery && times is { CookingStartedAt: { } started, ReadyAt: { } ready })
        {
            Record($"cooking/{order.Id}", estimates.State.Cooking, ready - started);
        }
        else if (order.Status == OrderStatus.Delivered && order.Delivery.Method != DeliveryMethod.Pickup
            && times is { OutForDeliveryAt: { } left, DeliveredAt: { } delivered })
        {
            if (!estimates.State.Delivery.TryGetValue(order.Delivery.Method, out var samples))
            {
                estimates.State.Delivery[order.Delivery.Method] = samples = [];
            }

            Record($"delivery/{order.Id}", samples, delivered - left);
        }

        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private void Record(string measurement, List<TimeSpan> samples, TimeSpan duration)
    {
        var measured = estimates.State.Measured;
        if (measured.Contains(measurement) || duration <= TimeSpan.Zero)
        {
            return;
        }

        measured.Add(measurement);
        if (measured.Count > 4 * Window)
        {
            measured.RemoveRange(0, measured.Count - 4 * Window);
        }

        samples.Add(duration);
        if (samples.Count > Window)
        {
            samples.RemoveRange(0, samples.Count - Window);
        }

        _current = null;
        _writeBehind.MarkDirty();
    }

    private DeliveryEstimates Compute()
    {
        var state = estimates.State;
        var delivery = state.Delivery
            .Where(method => method.Value.Count >= MinimumSamples)
            .ToImmutableDictionary(method => method.Key, method => Mean(method.Value));
        return new DeliveryEstimates(
            state.Cooking.Count >= MinimumSamples ? Mean(state.Cooking) : OrderTransitions.DefaultPreparation,
            delivery,
            state.Cooking.Count,
            state.Delivery.ToImmutableDictionary(method => method.Key, method => method.Value.Count));
    }

    private static TimeSpan Mean(List<TimeSpan> samples)
    {
        var mean = TimeSpan.FromTicks((long)samples.Average(sample => sample.Ticks));
        return mean < Shortest ? Shortest : mean > Longest ? Longest : mean;
    }
}
