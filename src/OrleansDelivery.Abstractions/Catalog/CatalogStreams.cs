namespace OrleansDelivery.Catalog;

/// <summary>Where product changes are published: one stream per catalogue, read by the catalogue grain.</summary>
public static class CatalogStreams
{
    /// <summary>The stream namespace; the stream key is the catalogue's key (<see cref="ICatalogGrain.Key"/>).</summary>
    public const string ProductChanges = "catalog.products";
}
