using System.Collections.Immutable;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Grains.Catalog;

/// <summary>
/// The single writer of the categories and of the product listing, a projection of the products' change stream
/// (an implicit subscription: every event of the catalogue's stream activates this grain).
/// </summary>
[ImplicitStreamSubscription(CatalogStreams.ProductChanges)]
public sealed class CatalogGrain([PersistentState("catalog")] IPersistentState<CatalogState> catalog)
    : Grain, ICatalogGrain, IStreamSubscriptionObserver, IAsyncObserver<ProductView>
{
    // Every stock change of every product reaches this one grain: writing the whole listing for each would make it
    // the cluster's bottleneck, so product changes are written behind; category changes (staff) at once.
    private readonly WriteBehind _writeBehind = new();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writeBehind.Start(this, () => catalog.WriteStateAsync());
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await _writeBehind.FlushAsync();

    public Task<IReadOnlyList<Category>> GetCategoriesAsync() =>
        Task.FromResult<IReadOnlyList<Category>>(catalog.State.Categories.Values.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList());

    public async Task DefineCategoryAsync(Category category)
    {
        ArgumentNullException.ThrowIfNull(category);
        catalog.State = catalog.State with { Categories = new(catalog.State.Categories) { [category.Id] = category } };
        await catalog.WriteStateAsync();
    }

    public async Task<bool> RemoveCategoryAsync(string categoryId)
    {
        if (catalog.State.Products.Values.Any(p => p.Definition.IsActive && string.Equals(p.Definition.CategoryId, categoryId, StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var categories = new Dictionary<string, Category>(catalog.State.Categories);
        if (categories.Remove(categoryId))
        {
            catalog.State = catalog.State with { Categories = categories };
            await catalog.WriteStateAsync();
        }

        return true;
    }

    public Task<ProductPage> SearchAsync(ProductQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var words = (query.Text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var matches = catalog.State.Products.Values
            .Where(p => p.Definition.IsActive)
            .Where(p => query.CategoryId is null || string.Equals(p.Definition.CategoryId, query.CategoryId, StringComparison.OrdinalIgnoreCase))
            .Where(p => words.All(word => Mentions(p.Definition, word)))
            .OrderBy(p => p.Definition.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(p => p.Id)
            .ToList();
        var page = matches.Skip((query.Page - 1) * query.PageSize).Take(query.PageSize).ToImmutableArray();
        return Task.FromResult(new ProductPage(page, matches.Count));
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ProductView>().ResumeAsync(this, catalog.State.ResumeAfter?.ToToken());

    public Task OnNextAsync(ProductView item, StreamSequenceToken? token = null)
    {
        // Events may arrive twice or late; the product's version says which view is newest.
        catalog.State.ResumeAfter = StreamResumePoint.After(token, catalog.State.ResumeAfter);
        if (catalog.State.Products.TryGetValue(item.Id, out var known) && known.Version >= item.Version)
        {
            return Task.CompletedTask;
        }

        catalog.State.Products[item.Id] = item;
        _writeBehind.MarkDirty();
        return Task.CompletedTask;
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private static bool Mentions(ProductDefinition product, string word) =>
        product.Name.Contains(word, StringComparison.OrdinalIgnoreCase)
        || product.Description.Contains(word, StringComparison.OrdinalIgnoreCase)
        || product.DietaryTags.Any(tag => tag.Contains(word, StringComparison.OrdinalIgnoreCase));
}
