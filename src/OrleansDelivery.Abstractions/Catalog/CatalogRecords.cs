using System.Collections.Immutable;

namespace OrleansDelivery.Catalog;

/// <summary>A shelf of the catalogue: "Pizza", "Drinks".</summary>
[GenerateSerializer, Immutable, Alias("od.category")]
public sealed record Category(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] string? PictureUrl);

/// <summary>What staff (or a seller) say about a product; stock is kept apart, by the product grain alone.</summary>
/// <param name="SellerId">The customer who listed it for sale; null for the shop's own products.</param>
[GenerateSerializer, Immutable, Alias("od.product-definition")]
public sealed record ProductDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] string Description,
    [property: Id(2)] decimal Price,
    [property: Id(3)] string Currency,
    [property: Id(4)] string CategoryId,
    [property: Id(5)] ImmutableArray<string> DietaryTags,
    [property: Id(6)] string? PictureUrl,
    [property: Id(7)] bool IsActive,
    [property: Id(8)] Guid? SellerId = null);

/// <summary>A product as a customer sees it, with what can be bought right now.</summary>
[GenerateSerializer, Immutable, Alias("od.product-view")]
public sealed record ProductView(
    [property: Id(0)] Guid Id,
    [property: Id(1)] ProductDefinition Definition,
    [property: Id(2)] int AvailableStock,
    [property: Id(3)] decimal RatingAverage,
    [property: Id(4)] int RatingCount,
    [property: Id(5)] long Version);

/// <summary>A question to the catalogue listing: a category, words to find, a page.</summary>
[GenerateSerializer, Immutable, Alias("od.product-query")]
public sealed record ProductQuery(
    [property: Id(0)] string? CategoryId,
    [property: Id(1)] string? Text,
    [property: Id(2)] int Page,
    [property: Id(3)] int PageSize);

/// <summary>One page of a list and how many items the whole list has.</summary>
[GenerateSerializer, Immutable, Alias("od.product-page")]
public sealed record ProductPage(
    [property: Id(0)] ImmutableArray<ProductView> Items,
    [property: Id(1)] int Total);
