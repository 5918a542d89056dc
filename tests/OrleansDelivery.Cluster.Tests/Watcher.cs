using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansDelivery.Cluster.Tests;

/// <summary>
/// A customer's live-tracking connection (WebSockets, as the web client uses it), first opened on
/// <paramref name="firstNode"/>. When the connection drops it reconnects through nginx and subscribes to each watched
/// order again after the last step it saw, as the web client does. Keeps every step received per order.
/// </summary>
public sealed class Watcher(Uri firstNode, Uri nginx, string token) : IAsyncDisposable
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, SortedSet<long>> _steps = [];
    private readonly HashSet<Guid> _subscribed = [];
    private readonly CancellationTokenSource _stopping = new();
    private HubConnection? _connection;

    /// <summary>How many times the connection dropped and was opened again through nginx.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Whether the current connection was opened through nginx (after a reconnect) rather than the first node.</summary>
    public Uri? CurrentAddress { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken) => _connection = await ConnectAsync(firstNode, cancellationToken);

    public async Task WatchAsync(Guid orderId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _steps.TryAdd(orderId, []);
        }

        // The connection may be down or being replaced by a reconnect; the new one takes the subscription.
        // A node that is stopping keeps its WebSockets open while it drains, refusing calls meanwhile: keep trying
        // until it closes them and the reconnect through nginx takes over.
        var trying = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await SubscribeAsync(_connection!, orderId, cancellationToken);
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested && trying.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>The steps received for an order, in order.</summary>
    public IReadOnlyList<long> StepsOf(Guid orderId)
    {
        lock (_gate)
        {
            return [.. _steps[orderId]];
        }
    }

    /// <summary>The orders a SubscribeOrder call has answered for (with the steps missed until then) at least once.</summary>
    public IReadOnlyList<Guid> Subscribed
    {
        get
        {
            lock (_gate)
            {
                return [.. _subscribed];
            }
        }
    }

    public IReadOnlyList<Guid> Watched
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps.Keys];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task<HubConnection> ConnectAsync(Uri node, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(node, "hubs/orders"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        connection.On<JsonElement>("OrderUpdated", Receive);
        // Only the connection in use reconnects; one dropped half-way through a reconnect is simply replaced.
        connection.Closed += _ => ReferenceEquals(connection, _connection) ? ReconnectAsync() : Task.CompletedTask;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        await connection.StartAsync(timeout.Token);
        CurrentAddress = node;
        return connection;
    }

    private async Task ReconnectAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            HubConnection? connection = null;
            try
            {
                connection = await ConnectAsync(nginx, _stopping.Token);
                foreach (var orderId in Watched)
                {
                    await SubscribeAsync(connection, orderId, _stopping.Token);
                }

                _connection = connection;
                Reconnects++;
                return;
            }
            catch (Exception) when (!_stopping.IsCancellationRequested)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                await Task.Delay(500, _stopping.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task SubscribeAsync(HubConnection connection, Guid orderId, CancellationToken cancellationToken)
    {
        // After the last step of the unbroken run from 1: a live step may have arrived before the missed ones did.
        long after = 0;
        lock (_gate)
        {
            while (_steps[orderId].Contains(after + 1))
            {
                after++;
            }
        }

        // A node on its way out may never answer; the next attempt goes over whichever connection is current then.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(AttemptTimeout);
        var missed = await connection.InvokeAsync<JsonElement[]>("SubscribeOrder", orderId, after, timeout.Token);
        foreach (var update in missed)
        {
            Receive(update);
        }

        lock (_gate)
        {
            _subscribed.Add(orderId);
        }
    }

    private void Receive(JsonElement update)
    {
        lock (_gate)
        {
            var orderId = update.GetProperty("orderId").GetGuid();
            if (_steps.TryGetValue(orderId, out var steps))
            {
                steps.Add(update.GetProperty("sequence").GetInt64());
            }
        }
    }
}
