using OrleansDelivery.Catalog;

namespace OrleansDelivery.Host.Catalog;

/// <summary>A page of any list: the items of this page and how many there are in all.</summary>
public sealed record PageResponse<T>(IReadOnlyList<T> Items, int Total);

public sealed record CategoryResponse(string Id, string Name, string Description, string? PictureUrl);

public sealed record RatingResponse(decimal Average, int Count);

public sealed record ProductResponse(
    Guid Id,
    string Name,
    string Description,
    decimal Price,
    string Currency,
    string CategoryId,
    IReadOnlyList<string> DietaryTags,
    string? PictureUrl,
    bool IsActive,
    int Stock,
    RatingResponse Rating);

internal static class CatalogMapping
{
    public static CategoryResponse ToResponse(this Category category) =>
        new(category.Id, category.Name, category.Description, category.PictureUrl);

    public static ProductResponse ToResponse(this ProductView product) => new(
        product.Id,
        product.Definition.Name,
        product.Definition.Description,
        product.Definition.Price,
        product.Definition.Currency,
        product.Definition.CategoryId,
        product.Definition.DietaryTags,
        product.Definition.PictureUrl,
        product.Definition.IsActive,
        product.AvailableStock,
        new RatingResponse(product.RatingAverage, product.RatingCount));
}
