using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansDelivery.Kitchen;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Grains.Kitchen;

[GenerateSerializer, Alias("od.kitchen-simulator-state")]
public sealed record KitchenSimulatorState
{
    [Id(0)]
    public bool Started { get; init; }

    [Id(1)]
    public bool Finished { get; init; }
}

/// <summary>
/// Cooks, hands over and delivers one order on reminders, so the steps survive a silo going down. Each step waits
/// the nominal time (25 minutes of cooking, the delivery method's minutes) with some jitter, divided by the time
/// scale; the measured times then feed the estimates like a real kitchen's would.
/// </summary>
public sealed partial class KitchenSimulatorGrain(
    [PersistentState("kitchen")] IPersistentState<KitchenSimulatorState> kitchen,
    IOptions<KitchenOptions> options,
    ILogger<KitchenSimulatorGrain> logger)
    : Grain, IKitchenSimulatorGrain, IRemindable
{
    private const string ReminderName = "kitchen-step";
    private const string By = "kitchen-simulator";

    public async Task StartAsync()
    {
        if (kitchen.State.Started)
        {
            return;
        }

        kitchen.State = new KitchenSimulatorState { Started = true };
        await kitchen.WriteStateAsync();
        await ScheduleAsync(TimeSpan.FromMinutes(1));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var order = GrainFactory.GetGrain<IOrderGrain>(this.GetPrimaryKey());
        var view = await order.GetAsync();
        OrderStatus? next = view?.Status switch
        {
            OrderStatus.Confirmed => OrderStatus.Cooking,
            OrderStatus.Cooking => OrderStatus.ReadyForDelivery,
            OrderStatus.ReadyForDelivery => OrderStatus.OutForDelivery,
            OrderStatus.OutForDelivery => OrderStatus.Delivered,
            _ => null,
        };
        if (next is { } to && await order.AdvanceAsync(to, By) is TransitionResult.Changed changed)
        {
            LogStep(logger, changed.Order.Number, to);
            if (to != OrderStatus.Delivered)
            {
                await ScheduleAsync(NominalWait(to, changed.Order.Delivery.Method));
                return;
            }
        }

        // Delivered, cancelled, or moved on by someone else: this kitchen is done with the order.
        await FinishAsync();
    }

    private static TimeSpan NominalWait(OrderStatus reached, DeliveryMethod method) => reached switch
    {
        OrderStatus.Cooking => OrderTransitions.DefaultPreparation,
        OrderStatus.ReadyForDelivery => TimeSpan.FromMinutes(2),
        _ => method == DeliveryMethod.Pickup ? TimeSpan.FromMinutes(5) : OrderTransitions.Delivery(method).Duration,
    };

    private async Task ScheduleAsync(TimeSpan nominal)
    {
        // ±20 % so that measured times vary as real ones do.
        var jittered = nominal * (0.8 + (0.4 * Random.Shared.NextDouble()));
        var due = jittered / Math.Max(options.Value.TimeScale, 0.001);
        // The period only matters if a step is missed; each step replaces the reminder with the next due time.
        await this.RegisterOrUpdateReminder(ReminderName, due, TimeSpan.FromMinutes(1));
    }

    private async Task FinishAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        kitchen.State = kitchen.State with { Finished = true };
        await kitchen.WriteStateAsync();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kitchen simulator moved order {Number} to {Status}")]
    private static partial void LogStep(ILogger logger, string number, OrderStatus status);
}
