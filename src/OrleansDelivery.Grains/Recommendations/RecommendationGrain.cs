using System.Globalization;
using OrleansDelivery.Catalog;
using OrleansDelivery.Recommendations;
using OrleansDelivery.Statistics;

namespace OrleansDelivery.Grains.Recommendations;

/// <summary>
/// Works suggestions out when asked, holding nothing: the customer's most ordered products, then others of the same
/// categories, then what other customers bought with them; popular (well rated) and then any products fill the rest.
/// Every suggestion is checked with its product grain, so none is inactive or out of stock.
/// </summary>
[StatelessWorker]
public sealed class RecommendationGrain : Grain, IRecommendationGrain
{
    // Shares of the ten places, so every kind of suggestion gets a say before the rest is filled in order.
    private const int MostOrderedShare = 4;
    private const int SameCategoryShare = 3;
    private const int BoughtTogetherShare = 3;
    private const int CataloguePageSize = 100;

    public async Task<IReadOnlyList<Recommendation>> GetAsync()
    {
        var ordered = await GrainFactory.GetGrain<ICustomerStatisticsGrain>(this.GetPrimaryKey()).GetOrderedProductsAsync();
        var catalogue = await CatalogueAsync();
        var orderedIds = ordered.Select(p => p.ProductId).ToHashSet();

        var mostOrdered = ordered.Select(p => (p.ProductId, Reason: p.Quantity == 1 ? "You ordered it before" : $"You ordered it {p.Quantity} times"));

        var categories = new List<string>();
        foreach (var product in ordered)
        {
            var categoryId = catalogue.GetValueOrDefault(product.ProductId)?.Definition.CategoryId
                ?? (await GrainFactory.GetGrain<IProductGrain>(product.ProductId).GetAsync())?.Definition.CategoryId;
            if (categoryId is not null && !categories.Contains(categoryId))
            {
                categories.Add(categoryId);
            }
        }

        var categoryNames = (await GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key).GetCategoriesAsync()).ToDictionary(c => c.Id, c => c.Name);
        var sameCategory = categories.SelectMany(category => catalogue.Values
            .Where(p => p.Definition.CategoryId == category && !orderedIds.Contains(p.Id))
            .OrderByDescending(p => p.RatingAverage)
            .ThenBy(p => p.Definition.Name, StringComparer.OrdinalIgnoreCase)
            .Select(p => (ProductId: p.Id, Reason: $"More {categoryNames.GetValueOrDefault(category, category)}, which you order")));

        var boughtTogether = new List<(Guid ProductId, string Reason)>();
        foreach (var product in ordered.Take(IRecommendationGrain.MaxItems))
        {
            var top = await GrainFactory.GetGrain<IBoughtTogetherGrain>(product.ProductId).GetTopAsync(IRecommendationGrain.MaxItems);
            boughtTogether.AddRange(top.Where(t => !orderedIds.Contains(t.ProductId)).Select(t => (t.ProductId, $"Often bought with {product.Name}")));
        }

        var popular = catalogue.Values
            .Where(p => p.RatingCount > 0)
            .OrderByDescending(p => p.RatingAverage)
            .ThenByDescending(p => p.RatingCount)
            .Select(p => (ProductId: p.Id, Reason: string.Create(CultureInfo.InvariantCulture, $"Popular: rated {p.RatingAverage:0.0} by {p.RatingCount} customers")));
        var anyInStock = catalogue.Values
            .OrderBy(p => p.Definition.Name, StringComparer.OrdinalIgnoreCase)
            .Select(p => (ProductId: p.Id, Reason: "In stock now"));

        var picked = new List<Recommendation>();
        var seen = new HashSet<Guid>();
        await PickAsync(picked, seen, mostOrdered, MostOrderedShare);
        await PickAsync(picked, seen, sameCategory, MostOrderedShare + SameCategoryShare);
        await PickAsync(picked, seen, boughtTogether, MostOrderedShare + SameCategoryShare + BoughtTogetherShare);
        foreach (var rest in new[] { mostOrdered, sameCategory, boughtTogether, popular, anyInStock })
        {
            await PickAsync(picked, seen, rest, IRecommendationGrain.MaxItems);
        }

        return picked;
    }

    /// <summary>Adds candidates, asking each product grain (the catalogue listing may lag), until there are <paramref name="upTo"/>.</summary>
    private async Task PickAsync(List<Recommendation> picked, HashSet<Guid> seen, IEnumerable<(Guid ProductId, string Reason)> candidates, int upTo)
    {
        foreach (var (productId, reason) in candidates)
        {
            if (picked.Count >= upTo)
            {
                return;
            }

            if (!seen.Add(productId))
            {
                continue;
            }

            if (await GrainFactory.GetGrain<IProductGrain>(productId).GetAsync() is { Definition.IsActive: true, AvailableStock: > 0 } product)
            {
                picked.Add(new Recommendation(productId, product.Definition.Name, product.Definition.Price, product.Definition.Currency, reason));
            }
        }
    }

    /// <summary>Every active product the catalogue listing holds, by id.</summary>
    private async Task<Dictionary<Guid, ProductView>> CatalogueAsync()
    {
        var catalog = GrainFactory.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        var products = new Dictionary<Guid, ProductView>();
        for (var page = 1; ; page++)
        {
            var result = await catalog.SearchAsync(new ProductQuery(null, null, page, CataloguePageSize));
            foreach (var product in result.Items)
            {
                products[product.Id] = product;
            }

            if (result.Items.IsEmpty || page * CataloguePageSize >= result.Total)
            {
                return products;
            }
        }
    }
}
