namespace OrleansDelivery.Recommendations;

/// <summary>A product to suggest, and why, in words a customer reads.</summary>
[GenerateSerializer, Immutable, Alias("od.recommendation")]
public sealed record Recommendation(
    [property: Id(0)] Guid ProductId,
    [property: Id(1)] string Name,
    [property: Id(2)] decimal Price,
    [property: Id(3)] string Currency,
    [property: Id(4)] string Reason);
