namespace OrleansDelivery.Catalog;

/// <summary>The answer to a request for units of a product. A refusal is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.reservation-result")]
public abstract record ReservationResult
{
    /// <summary>The units are set aside for the reservation until it is committed or released.</summary>
    [GenerateSerializer, Immutable, Alias("od.reservation-result.reserved")]
    public sealed record Reserved([property: Id(0)] int Quantity, [property: Id(1)] int AvailableAfter) : ReservationResult;

    /// <summary>Fewer units are available than asked for; nothing was set aside.</summary>
    [GenerateSerializer, Immutable, Alias("od.reservation-result.out-of-stock")]
    public sealed record OutOfStock([property: Id(0)] string ProductName, [property: Id(1)] int Available) : ReservationResult;

    /// <summary>The product does not exist or is not for sale.</summary>
    [GenerateSerializer, Immutable, Alias("od.reservation-result.not-for-sale")]
    public sealed record NotForSale : ReservationResult;
}
