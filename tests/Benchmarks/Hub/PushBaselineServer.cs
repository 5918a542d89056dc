using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansDelivery.Benchmarks.Hub;

/// <summary>
/// The baseline of the hub benchmark: bare Kestrel and SignalR in a process of its own, with no Orleans, no grains
/// and no streams. A connection joins a group; <c>POST /push/{group}</c> stamps the time and sends it to the group.
/// </summary>
internal static class PushBaselineServer
{
    public const string Argument = "push-baseline-server";

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSignalR();
        var app = builder.Build();
        app.MapHub<PushHub>("/hubs/push");
        app.MapGet("/ready", () => Results.Ok());
        app.MapPost("/push/{group}", async (string group, IHubContext<PushHub> hub) =>
        {
            await hub.Clients.Group(group).SendAsync("Pushed", DateTimeOffset.UtcNow);
            return Results.NoContent();
        });
        await app.RunAsync();
    }

    public sealed class PushHub : Microsoft.AspNetCore.SignalR.Hub
    {
        public Task Watch(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);
    }
}
