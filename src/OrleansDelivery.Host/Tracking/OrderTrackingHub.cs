using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using OrleansDelivery.Host.Identity;
using OrleansDelivery.Identity;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Tracking;

/// <summary>
/// Live order tracking at <c>/hubs/orders</c>, authenticated like the API (a bearer token in <c>access_token</c>, or
/// the session cookie). A customer watches their own orders; staff watch any. Grains never call the hub: the node
/// holding the connection subscribes to the order's stream through <see cref="OrderStreamRelay"/>.
/// </summary>
[Authorize]
public sealed class OrderTrackingHub(IGrainFactory grains, OrderStreamRelay relay, NotificationRelay notifications) : Hub<IOrderTrackingClient>
{
    public const string Path = "/hubs/orders";

    /// <summary>The steps after <paramref name="afterSequence"/> (all of them when null); new ones follow as <c>OrderUpdated</c>.</summary>
    public async Task<IReadOnlyList<OrderUpdate>> SubscribeOrder(Guid orderId, long? afterSequence)
    {
        if (afterSequence is < 0)
        {
            throw new HubException("afterSequence is a step number, 0 or more.");
        }

        var user = Context.User!;
        var order = await grains.GetGrain<IOrderGrain>(orderId).GetAsync();
        // Someone else's order and no order look the same, as over HTTP.
        if (order is null || (order.CustomerId != user.CustomerId() && !IsStaff(user)))
        {
            throw new HubException("No such order.");
        }

        return await relay.WatchAsync(Context.ConnectionId, order, afterSequence ?? 0);
    }

    /// <summary>A customer's own notifications arrive on every connection of theirs, without subscribing.</summary>
    public override async Task OnConnectedAsync()
    {
        await notifications.ConnectAsync(Context.ConnectionId, Context.User!.CustomerId());
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await notifications.DisconnectAsync(Context.ConnectionId, Context.User!.CustomerId());
        await relay.ForgetAsync(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    private static bool IsStaff(ClaimsPrincipal user) =>
        user.IsInRole(nameof(CustomerRole.Staff)) || user.IsInRole(nameof(CustomerRole.Admin));
}
