using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansDelivery.Catalog;
using OrleansDelivery.Orders;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Grains.Catalog;

/// <summary>
/// The single writer of one product and its stock. It is not reentrant: a reservation's check and its write happen
/// in one turn, so concurrent checkouts can never sell the same unit twice.
/// </summary>
/// <remarks>
/// A reservation is the order's to end (sold or released), but an order can be cut off before it does: a checkout
/// stopped by a failover between the reservation and the order's first write, and never retried, leaves units held
/// for an order that does not exist. So while it holds reservations the product asks each order, once the reservation
/// is <see cref="StockOptions.CheckReservationsAfter"/> old and again every
/// <see cref="StockOptions.RecheckHeldReservationsEvery"/>, to settle it. The question is one-way and the order answers
/// by calling back in a turn of its own, so neither grain ever waits on the other.
/// </remarks>
public sealed class ProductGrain(
    [PersistentState("product")] IPersistentState<ProductState> product,
    TimeProvider time,
    IOptions<StockOptions> stock) : Grain, IProductGrain
{
    private readonly Dictionary<Guid, DateTimeOffset> _askedAt = [];
    private readonly Dictionary<Guid, DateTimeOffset> _heldAt = [];
    private IAsyncStream<ProductView>? _changes;
    private IGrainTimer? _settlement;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _changes = this.GetStreamProvider(StreamProviders.Events)
            .GetStream<ProductView>(StreamId.Create(CatalogStreams.ProductChanges, ICatalogGrain.Key));
        WatchReservations();
        return Task.CompletedTask;
    }

    public Task<ProductView?> GetAsync() => Task.FromResult(product.State.Definition is null ? null : View());

    public async Task<ProductView> DefineAsync(ProductDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        await SaveAsync(product.State with { Definition = definition });
        return View();
    }

    public async Task<ProductView> AdjustStockAsync(int delta)
    {
        var state = product.State;
        var onHand = state.OnHand + delta;
        if (onHand < state.Reservations.Values.Sum())
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, $"Stock of {this.GetPrimaryKey()} cannot go below the {state.Reservations.Values.Sum()} units reserved.");
        }

        await SaveAsync(state with { OnHand = onHand });
        return View();
    }

    public async Task<ReservationResult> ReserveAsync(Guid reservationId, int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        var state = product.State;
        if (state.Reservations.TryGetValue(reservationId, out var already))
        {
            // A retried checkout: the units are already set aside for it.
            return new ReservationResult.Reserved(already, state.Available);
        }

        if (state.Definition is not { IsActive: true } definition)
        {
            return new ReservationResult.NotForSale();
        }

        if (quantity > state.Available)
        {
            return new ReservationResult.OutOfStock(definition.Name, state.Available);
        }

        await SaveAsync(state with
        {
            Reservations = new(state.Reservations) { [reservationId] = quantity },
            ReservedAt = new(state.ReservedAt) { [reservationId] = time.GetUtcNow() },
        });
        WatchReservations();
        return new ReservationResult.Reserved(quantity, product.State.Available);
    }

    public async Task CommitAsync(Guid reservationId)
    {
        var state = product.State;
        if (state.Reservations.TryGetValue(reservationId, out var quantity))
        {
            await SaveAsync(state with
            {
                OnHand = state.OnHand - quantity,
                Reservations = Without(state.Reservations, reservationId),
                ReservedAt = Without(state.ReservedAt, reservationId),
            });
        }
    }

    public async Task ReleaseAsync(Guid reservationId)
    {
        var state = product.State;
        if (state.Reservations.ContainsKey(reservationId))
        {
            await SaveAsync(state with { Reservations = Without(state.Reservations, reservationId), ReservedAt = Without(state.ReservedAt, reservationId) });
        }
    }

    public Task KeepReservationAsync(Guid reservationId)
    {
        if (product.State.Reservations.ContainsKey(reservationId))
        {
            _heldAt[reservationId] = time.GetUtcNow();
        }

        return Task.CompletedTask;
    }

    public async Task<ProductView?> AddRatingAsync(Guid orderId, int stars)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stars);
        var state = product.State;
        if (state.Definition is not null && !state.RatedOrders.Contains(orderId))
        {
            await SaveAsync(state with { RatingSum = state.RatingSum + stars, RatingCount = state.RatingCount + 1, RatedOrders = [.. state.RatedOrders, orderId] });
        }

        return product.State.Definition is null ? null : View();
    }

    private static Dictionary<Guid, T> Without<T>(Dictionary<Guid, T> byReservation, Guid reservationId)
    {
        var copy = new Dictionary<Guid, T>(byReservation);
        copy.Remove(reservationId);
        return copy;
    }

    /// <summary>Ticks while the product holds reservations; not a reminder, so an idle product still deactivates.</summary>
    private void WatchReservations()
    {
        if (_settlement is null && product.State.Reservations.Count > 0)
        {
            var period = stock.Value.CheckReservationsAfter;
            _settlement = this.RegisterGrainTimer(AskOrdersAboutOldReservationsAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = false });
        }
    }

    private async Task AskOrdersAboutOldReservationsAsync()
    {
        var reservations = product.State.Reservations;
        foreach (var gone in _askedAt.Keys.Concat(_heldAt.Keys).Where(id => !reservations.ContainsKey(id)).ToList())
        {
            _askedAt.Remove(gone);
            _heldAt.Remove(gone);
        }

        if (reservations.Count == 0)
        {
            _settlement?.Dispose();
            _settlement = null;
            return;
        }

        var options = stock.Value;
        var now = time.GetUtcNow();
        foreach (var orderId in reservations.Keys)
        {
            var due = _heldAt.TryGetValue(orderId, out var held) ? held + options.RecheckHeldReservationsEvery
                : product.State.ReservedAt.TryGetValue(orderId, out var reserved) ? reserved + options.CheckReservationsAfter
                : DateTimeOffset.MinValue;
            // An answer to the last question may still be on its way: ask again only a period later.
            var answerAwaited = _askedAt.TryGetValue(orderId, out var asked) && asked + options.CheckReservationsAfter > now;
            if (now >= due && !answerAwaited)
            {
                _askedAt[orderId] = now;
                await GrainFactory.GetGrain<IOrderGrain>(orderId).SettleReservationAsync(this.GetPrimaryKey());
            }
        }
    }

    private async Task SaveAsync(ProductState next)
    {
        product.State = next with { Version = product.State.Version + 1 };
        await product.WriteStateAsync();
        if (product.State.Definition is not null)
        {
            // After the write: the catalogue never lists what the product itself does not hold.
            await _changes!.OnNextAsync(View());
        }
    }

    private ProductView View()
    {
        var state = product.State;
        return new ProductView(
            this.GetPrimaryKey(),
            state.Definition!,
            state.Available,
            state.RatingCount == 0 ? 0 : Math.Round(state.RatingSum / state.RatingCount, 2),
            state.RatingCount,
            state.Version);
    }
}
