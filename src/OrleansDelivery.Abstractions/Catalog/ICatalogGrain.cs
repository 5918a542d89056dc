namespace OrleansDelivery.Catalog;

/// <summary>
/// The catalogue listing: the categories, and a projection of every product fed by the products' change stream,
/// for browsing and search without asking each product grain.
/// </summary>
public interface ICatalogGrain : IGrainWithStringKey
{
    /// <summary>The one catalogue of the service.</summary>
    const string Key = "all";

    [ReadOnly]
    Task<IReadOnlyList<Category>> GetCategoriesAsync();

    Task DefineCategoryAsync(Category category);

    /// <summary>Removes a category no product on sale belongs to; false (and nothing changes) while one does.</summary>
    Task<bool> RemoveCategoryAsync(string categoryId);

    /// <summary>Active products only, by category and text, newest definition first within a name.</summary>
    [ReadOnly]
    Task<ProductPage> SearchAsync(ProductQuery query);
}
