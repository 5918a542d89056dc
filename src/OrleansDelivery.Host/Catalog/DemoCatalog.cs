using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansDelivery.Catalog;

namespace OrleansDelivery.Host.Catalog;

/// <summary>
/// The demo catalogue (8 categories, 50 products, <c>demo-catalog.json</c>), seeded as the node starts when
/// <c>Catalog:SeedDemo</c> is on (the default in <c>Localhost</c> mode). Product ids are derived from their slugs,
/// so every node and every restart seeds the same products, and a product that exists is left as it is.
/// </summary>
public sealed partial class DemoCatalogSeeder(IGrainFactory grains, ILogger<DemoCatalogSeeder> logger) : IHostedService
{
    public const string Currency = "EUR";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = await LoadAsync(cancellationToken);
        var catalog = grains.GetGrain<ICatalogGrain>(ICatalogGrain.Key);
        foreach (var category in demo.Categories)
        {
            await catalog.DefineCategoryAsync(new Category(category.Id, category.Name, category.Description, category.PictureUrl));
        }

        var seeded = 0;
        foreach (var item in demo.Products)
        {
            var product = grains.GetGrain<IProductGrain>(ProductId(item.Slug));
            if (await product.GetAsync() is not null)
            {
                continue;
            }

            await product.DefineAsync(new ProductDefinition(
                item.Name, item.Description, item.Price, Currency, item.Category, [.. item.Tags], $"/images/products/{item.Slug}.jpg", IsActive: true));
            await product.AdjustStockAsync(item.Stock);
            seeded++;
        }

        LogSeeded(logger, demo.Categories.Count, seeded, demo.Products.Count - seeded);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The id of a demo product, the same on every node: a hash of its slug.</summary>
    public static Guid ProductId(string slug) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"orleans-delivery/demo-product/{slug}")).AsSpan(0, 16));

    public static async Task<DemoCatalogFile> LoadAsync(CancellationToken cancellationToken)
    {
        await using var stream = typeof(DemoCatalogSeeder).Assembly.GetManifestResourceStream("demo-catalog.json")
            ?? throw new InvalidOperationException("The demo catalogue demo-catalog.json is not embedded in the host.");
        return await JsonSerializer.DeserializeAsync<DemoCatalogFile>(stream, JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidOperationException("The demo catalogue demo-catalog.json is empty.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo catalogue: {Categories} categories, {Seeded} products seeded, {Kept} already there")]
    private static partial void LogSeeded(ILogger logger, int categories, int seeded, int kept);
}

public sealed record DemoCatalogFile(IReadOnlyList<DemoCategory> Categories, IReadOnlyList<DemoProduct> Products);

public sealed record DemoCategory(string Id, string Name, string Description, string? PictureUrl);

public sealed record DemoProduct(string Slug, string Category, string Name, string Description, decimal Price, ImmutableArray<string> Tags, int Stock);
