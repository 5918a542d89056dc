using Orleans.Streams;
using OrleansDelivery.Catalog;
using OrleansDelivery.Streaming;

namespace OrleansDelivery.Grains.Catalog;

/// <summary>
/// The single writer of one product and its stock. It is not reentrant: a reservation's check and its write happen
/// in one turn, so concurrent checkouts can never sell the same unit twice.
/// </summary>
public sealed class ProductGrain([PersistentState("product")] IPersistentState<ProductState> product) : Grain, IProductGrain
{
    private IAsyncStream<ProductView>? _changes;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _changes = this.GetStreamProvider(StreamProviders.Events)
            .GetStream<ProductView>(StreamId.Create(CatalogStreams.ProductChanges, ICatalogGrain.Key));
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

        await SaveAsync(state with { Reservations = new(state.Reservations) { [reservationId] = quantity } });
        return new ReservationResult.Reserved(quantity, product.State.Available);
    }

    public async Task CommitAsync(Guid reservationId)
    {
        var state = product.State;
        if (state.Reservations.TryGetValue(reservationId, out var quantity))
        {
            await SaveAsync(state with { OnHand = state.OnHand - quantity, Reservations = Without(state.Reservations, reservationId) });
        }
    }

    public async Task ReleaseAsync(Guid reservationId)
    {
        var state = product.State;
        if (state.Reservations.ContainsKey(reservationId))
        {
            await SaveAsync(state with { Reservations = Without(state.Reservations, reservationId) });
        }
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

    private static Dictionary<Guid, int> Without(Dictionary<Guid, int> reservations, Guid reservationId)
    {
        var copy = new Dictionary<Guid, int>(reservations);
        copy.Remove(reservationId);
        return copy;
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
