using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Host.Catalog;

public static class CatalogEndpoints
{
    public const int MaxPageSize = 100;
    private const int MaxSearchLength = 200;
    private const int MaxCategoryIdLength = 64;

    public static IEndpointRouteBuilder MapCatalog(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api")
            .WithTags("Catalogue")
            .AllowAnonymous();

        group.MapGet("/categories", GetCategoriesAsync)
            .WithName("GetCategories")
            .WithSummary("Lists the categories of the catalogue, by name.");

        group.MapGet("/products", SearchProductsAsync)
            .WithName("SearchProducts")
            .WithSummary("Lists the products on sale, by category and words in their name, description or dietary tags.");

        group.MapGet("/products/{id:guid}", GetProductAsync)
            .WithName("GetProduct")
            .WithSummary("Shows one product with its price, stock and rating.");

        return app;
    }

    public static async Task<Results<Ok<PageResponse<CategoryResponse>>, ValidationProblem>> GetCategoriesAsync(
        IGrainFactory grains, int? page, int? pageSize)
    {
        if (Paging.Validate(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var categories = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).GetCategoriesAsync();
        return TypedResults.Ok(Paging.Of(categories, page, pageSize, c => c.ToResponse()));
    }

    public static async Task<Results<Ok<PageResponse<ProductResponse>>, ValidationProblem>> SearchProductsAsync(
        IGrainFactory grains, string? categoryId, string? q, int? page, int? pageSize)
    {
        var errors = Paging.Validate(page, pageSize) ?? [];
        if (q is { Length: > MaxSearchLength })
        {
            errors["q"] = [$"Search for at most {MaxSearchLength} characters."];
        }

        if (categoryId is { Length: > MaxCategoryIdLength })
        {
            errors["categoryId"] = [$"A category id has at most {MaxCategoryIdLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (number, size) = Paging.Resolve(page, pageSize);
        var result = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key)
            .SearchAsync(new ProductQuery(string.IsNullOrWhiteSpace(categoryId) ? null : categoryId.Trim(), q, number, size));
        return TypedResults.Ok(new PageResponse<ProductResponse>(result.Items.Select(p => p.ToResponse()).ToList(), result.Total));
    }

    public static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetProductAsync(IGrainFactory grains, Guid id)
    {
        var product = await grains.GetGrain<IProductGrain>(id).GetAsync();
        return product is { Definition.IsActive: true }
            ? TypedResults.Ok(product.ToResponse())
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found.", detail: $"There is no product {id} on sale.");
    }
}

/// <summary>The <c>page</c> and <c>pageSize</c> every list takes: pages from 1, at most 100 items a page.</summary>
internal static class Paging
{
    public const int DefaultPageSize = 20;

    public static Dictionary<string, string[]>? Validate(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1)
        {
            errors["page"] = ["Pages are numbered from 1."];
        }

        if (pageSize is < 1 or > CatalogEndpoints.MaxPageSize)
        {
            errors["pageSize"] = [$"A page holds from 1 to {CatalogEndpoints.MaxPageSize} items."];
        }

        return errors.Count == 0 ? null : errors;
    }

    public static (int Page, int PageSize) Resolve(int? page, int? pageSize) => (page ?? 1, pageSize ?? DefaultPageSize);

    /// <summary>One page of a whole list held in memory, mapped to its response shape.</summary>
    public static PageResponse<TResponse> Of<TItem, TResponse>(IReadOnlyList<TItem> all, int? page, int? pageSize, Func<TItem, TResponse> map)
    {
        var (number, size) = Resolve(page, pageSize);
        return new PageResponse<TResponse>(all.Skip((number - 1) * size).Take(size).Select(map).ToList(), all.Count);
    }
}
