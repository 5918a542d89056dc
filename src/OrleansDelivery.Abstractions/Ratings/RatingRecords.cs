using OrleansDelivery.Orders;

namespace OrleansDelivery.Ratings;

/// <summary>What a customer said about a delivered order: 1 to 5 stars and a comment.</summary>
[GenerateSerializer, Immutable, Alias("od.order-rating")]
public sealed record OrderRating(
    [property: Id(0)] int Stars,
    [property: Id(1)] string? Comment,
    [property: Id(2)] DateTimeOffset At)
{
    public const int MinStars = 1;
    public const int MaxStars = 5;
    public const int MaxCommentLength = 1000;

    /// <summary>Ratings at or below this raise a low-rating alert for staff.</summary>
    public const int LowStars = 2;
}

/// <summary>The answer to rating an order. A refusal is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.rating-result")]
public abstract record RatingResult
{
    [GenerateSerializer, Immutable, Alias("od.rating-result.rated")]
    public sealed record Rated([property: Id(0)] OrderView Order) : RatingResult;

    [GenerateSerializer, Immutable, Alias("od.rating-result.not-delivered")]
    public sealed record NotDelivered : RatingResult;

    [GenerateSerializer, Immutable, Alias("od.rating-result.already-rated")]
    public sealed record AlreadyRated : RatingResult;

    [GenerateSerializer, Immutable, Alias("od.rating-result.unknown-order")]
    public sealed record UnknownOrder : RatingResult;
}

/// <summary>A low rating staff should look at.</summary>
[GenerateSerializer, Immutable, Alias("od.low-rating-alert")]
public sealed record LowRatingAlert(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid OrderId,
    [property: Id(2)] string OrderNumber,
    [property: Id(3)] Guid CustomerId,
    [property: Id(4)] int Stars,
    [property: Id(5)] string? Comment,
    [property: Id(6)] DateTimeOffset At,
    [property: Id(7)] DateTimeOffset? AcknowledgedAt,
    [property: Id(8)] string? AcknowledgedBy);

[GenerateSerializer, Immutable, Alias("od.low-rating-alert-page")]
public sealed record LowRatingAlertPage(
    [property: Id(0)] IReadOnlyList<LowRatingAlert> Items,
    [property: Id(1)] int Total);
