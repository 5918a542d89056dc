using OrleansDelivery.Catalog;

namespace OrleansDelivery.Grains.Catalog;

[GenerateSerializer, Alias("od.catalog-state")]
public sealed record CatalogState
{
    [Id(0)]
    public Dictionary<string, Category> Categories { get; init; } = [];

    /// <summary>The newest view of every product the change stream has delivered, active or not.</summary>
    [Id(1)]
    public Dictionary<Guid, ProductView> Products { get; init; } = [];

    /// <summary>The last event applied; the subscription resumes after it (see <see cref="StreamResumePoint"/>).</summary>
    [Id(2)]
    public StreamResumePoint? ResumeAfter { get; set; }
}
