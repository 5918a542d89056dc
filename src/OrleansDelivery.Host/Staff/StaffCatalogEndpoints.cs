using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Catalog;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Host.Identity;

namespace OrleansDelivery.Host.Staff;

public sealed record CategoryRequest(string? Id, string? Name, string? Description, string? PictureUrl);

public sealed record ProductRequest(
    string? Name, string? Description, decimal? Price, string? CategoryId, IReadOnlyList<string>? DietaryTags, string? PictureUrl, bool? IsActive, int? Stock);

public sealed record StockRequest(int? Delta);

/// <summary>Staff keep the catalogue: categories, products and their stock.</summary>
public static partial class StaffCatalogEndpoints
{
    public const int MaxStock = 1_000_000;
    public const decimal MaxPrice = 100_000m;

    public static IEndpointRouteBuilder MapStaffCatalog(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/staff")
            .WithTags("Staff")
            .RequireAuthorization(Policies.Staff);

        group.MapPost("/categories", CreateCategoryAsync)
            .WithName("CreateCategory")
            .WithSummary("Adds a category; its id (lower-case letters, digits, '-') is chosen by staff and must be new.");

        group.MapPut("/categories/{categoryId}", UpdateCategoryAsync)
            .WithName("UpdateCategory")
            .WithSummary("Renames or redescribes a category.");

        group.MapDelete("/categories/{categoryId}", DeleteCategoryAsync)
            .WithName("DeleteCategory")
            .WithSummary("Removes a category; refused with 409 while a product on sale belongs to it.");

        group.MapPost("/products", CreateProductAsync)
            .WithName("CreateProduct")
            .WithSummary("Adds a product with its initial stock.");

        group.MapPut("/products/{id:guid}", UpdateProductAsync)
            .WithName("UpdateProduct")
            .WithSummary("Replaces a product's details (name, price, category, tags, active); stock is changed apart.");

        group.MapDelete("/products/{id:guid}", WithdrawProductAsync)
            .WithName("WithdrawProduct")
            .WithSummary("Takes a product off sale; orders already placed keep it.");

        group.MapPost("/products/{id:guid}/stock", AdjustStockAsync)
            .WithName("AdjustStock")
            .WithSummary("Adds (or, negative, removes) units on hand; never below what open orders have reserved (409).");

        return app;
    }

    public static async Task<Results<Created<CategoryResponse>, ValidationProblem, ProblemHttpResult>> CreateCategoryAsync(CategoryRequest request, IGrainFactory grains)
    {
        var errors = ValidateCategory(request, validateId: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var catalog = grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        var id = request.Id!.Trim();
        if ((await catalog.GetCategoriesAsync()).Any(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A category '{id}' exists already.");
        }

        var category = new Category(id, request.Name!.Trim(), request.Description?.Trim() ?? "", NullIfBlank(request.PictureUrl));
        await catalog.DefineCategoryAsync(category);
        return TypedResults.Created($"/api/categories/{id}", category.ToResponse());
    }

    public static async Task<Results<Ok<CategoryResponse>, ValidationProblem, ProblemHttpResult>> UpdateCategoryAsync(
        string categoryId, CategoryRequest request, IGrainFactory grains)
    {
        var errors = ValidateCategory(request, validateId: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var catalog = grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        if ((await catalog.GetCategoriesAsync()).FirstOrDefault(c => string.Equals(c.Id, categoryId, StringComparison.OrdinalIgnoreCase)) is not { } existing)
        {
            return NotFound("category", categoryId);
        }

        var category = new Category(existing.Id, request.Name!.Trim(), request.Description?.Trim() ?? "", NullIfBlank(request.PictureUrl));
        await catalog.DefineCategoryAsync(category);
        return TypedResults.Ok(category.ToResponse());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteCategoryAsync(string categoryId, IGrainFactory grains)
    {
        var catalog = grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        if ((await catalog.GetCategoriesAsync()).FirstOrDefault(c => string.Equals(c.Id, categoryId, StringComparison.OrdinalIgnoreCase)) is not { } existing)
        {
            return NotFound("category", categoryId);
        }

        return await catalog.RemoveCategoryAsync(existing.Id)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Products on sale belong to '{existing.Id}'; move or withdraw them first.");
    }

    public static async Task<Results<Created<ProductResponse>, ValidationProblem>> CreateProductAsync(ProductRequest request, IGrainFactory grains)
    {
        var errors = await ValidateProductAsync(request, grains, withStock: true);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var product = grains.GetGrain<IProductGrain>(Guid.NewGuid());
        await product.DefineAsync(Definition(request));
        var view = await product.AdjustStockAsync(request.Stock ?? 0);
        return TypedResults.Created($"/api/products/{view.Id}", view.ToResponse());
    }

    public static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> UpdateProductAsync(Guid id, ProductRequest request, IGrainFactory grains)
    {
        var product = grains.GetGrain<IProductGrain>(id);
        if (await product.GetAsync() is null)
        {
            return NotFound("product", id.ToString());
        }

        var errors = await ValidateProductAsync(request, grains, withStock: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok((await product.DefineAsync(Definition(request))).ToResponse());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> WithdrawProductAsync(Guid id, IGrainFactory grains)
    {
        var product = grains.GetGrain<IProductGrain>(id);
        if (await product.GetAsync() is not { } view)
        {
            return NotFound("product", id.ToString());
        }

        if (view.Definition.IsActive)
        {
            await product.DefineAsync(view.Definition with { IsActive = false });
        }

        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> AdjustStockAsync(Guid id, StockRequest request, IGrainFactory grains)
    {
        if (request.Delta is not { } delta || delta == 0 || Math.Abs(delta) > MaxStock)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["delta"] = [$"Add or remove from 1 to {MaxStock} units."] });
        }

        var product = grains.GetGrain<IProductGrain>(id);
        if (await product.GetAsync() is not { } view)
        {
            return NotFound("product", id.ToString());
        }

        if (view.AvailableStock + delta < 0)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: $"{view.Definition.Name} has only {view.AvailableStock} units that no order has reserved; at most that many can be removed.");
        }

        try
        {
            return TypedResults.Ok((await product.AdjustStockAsync(delta)).ToResponse());
        }
        catch (ArgumentOutOfRangeException)
        {
            // An order reserved units between the check above and the change.
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"Orders reserved units of {view.Definition.Name} meanwhile; try a smaller change.");
        }
    }

    private static Dictionary<string, string[]> ValidateCategory(CategoryRequest request, bool validateId)
    {
        var errors = new Dictionary<string, string[]>();
        if (validateId && (request.Id is null || !CategoryIdPattern().IsMatch(request.Id)))
        {
            errors["id"] = ["A category id has 1 to 64 lower-case letters, digits or '-'."];
        }

        AddTextErrors(errors, "name", request.Name, required: true, 100);
        AddTextErrors(errors, "description", request.Description, required: false, 1000);
        AddPictureErrors(errors, request.PictureUrl);
        return errors;
    }

    private static async Task<Dictionary<string, string[]>> ValidateProductAsync(ProductRequest request, IGrainFactory grains, bool withStock)
    {
        var errors = new Dictionary<string, string[]>();
        AddTextErrors(errors, "name", request.Name, required: true, 100);
        AddTextErrors(errors, "description", request.Description, required: false, 2000);
        if (request.Price is not { } price || price <= 0 || price > MaxPrice || decimal.Round(price, 2) != price)
        {
            errors["price"] = [$"A price is more than 0 and at most {MaxPrice}, in cents at most."];
        }

        var categories = await grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key).GetCategoriesAsync();
        if (string.IsNullOrWhiteSpace(request.CategoryId) || !categories.Any(c => c.Id == request.CategoryId.Trim()))
        {
            errors["categoryId"] = ["Choose one of the categories of GET /api/categories."];
        }

        if (request.DietaryTags is { } tags && (tags.Count > 20 || tags.Any(tag => string.IsNullOrWhiteSpace(tag) || tag.Trim().Length > 30)))
        {
            errors["dietaryTags"] = ["At most 20 dietary tags of 1 to 30 characters each."];
        }

        AddPictureErrors(errors, request.PictureUrl);
        if (withStock && request.Stock is < 0 or > MaxStock)
        {
            errors["stock"] = [$"The initial stock is from 0 to {MaxStock} units."];
        }

        return errors;
    }

    private static void AddTextErrors(Dictionary<string, string[]> errors, string field, string? value, bool required, int maxLength)
    {
        if ((required && string.IsNullOrWhiteSpace(value)) || (value is not null && (value.Trim().Length > maxLength || value.Any(c => char.IsControl(c) && c is not '\n'))))
        {
            errors[field] = [required ? $"Give 1 to {maxLength} characters." : $"At most {maxLength} characters."];
        }
    }

    private static void AddPictureErrors(Dictionary<string, string[]> errors, string? pictureUrl)
    {
        if (!string.IsNullOrWhiteSpace(pictureUrl)
            && (pictureUrl.Length > 500 || !(pictureUrl.StartsWith('/') || (Uri.TryCreate(pictureUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))))
        {
            errors["pictureUrl"] = ["A picture is an http(s) URL or a path starting with '/', at most 500 characters."];
        }
    }

    private static ProductDefinition Definition(ProductRequest request) => new(
        request.Name!.Trim(),
        request.Description?.Trim() ?? "",
        request.Price!.Value,
        DemoCatalogSeeder.Currency,
        request.CategoryId!.Trim(),
        [.. (request.DietaryTags ?? []).Select(tag => tag.Trim().ToLowerInvariant()).Distinct()],
        NullIfBlank(request.PictureUrl),
        request.IsActive ?? true);

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ProblemHttpResult NotFound(string what, string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {what}.", detail: $"There is no {what} '{id}'.");

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex CategoryIdPattern();
}
