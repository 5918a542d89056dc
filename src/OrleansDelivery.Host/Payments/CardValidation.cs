using OrleansDelivery.Payments;

namespace OrleansDelivery.Host.Payments;

/// <summary>The checks a card passes before it goes to the gateway, each failure named by its field (card.number, …).</summary>
internal static class CardValidation
{
    private const int MaxExpiryYears = 20;

    public static Dictionary<string, string[]> Validate(PayByCardRequest? request, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (request?.Card is not { } card)
        {
            errors["card"] = ["Give the card: number, expiryMonth, expiryYear, cvc and holder."];
            return errors;
        }

        var digits = card.Number?.Replace(" ", "", StringComparison.Ordinal) ?? "";
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
        {
            errors["card.number"] = ["A card number has 12 to 19 digits (spaces allowed)."];
        }
        else if (!CardNumbers.PassesLuhn(digits))
        {
            errors["card.number"] = ["This is not a valid card number; check the digits."];
        }

        var monthValid = card.ExpiryMonth is >= 1 and <= 12;
        if (!monthValid)
        {
            errors["card.expiryMonth"] = ["The expiry month is from 1 to 12."];
        }

        // Cards print two-digit years; 27 means 2027.
        var year = card.ExpiryYear is >= 0 and < 100 ? 2000 + card.ExpiryYear : card.ExpiryYear;
        if (year is null || year < now.Year || year > now.Year + MaxExpiryYears)
        {
            errors["card.expiryYear"] = [year < now.Year ? "The card has expired." : $"The expiry year is from {now.Year} to {now.Year + MaxExpiryYears}."];
        }
        else if (monthValid && year == now.Year && card.ExpiryMonth < now.Month)
        {
            errors["card.expiryMonth"] = ["The card has expired."];
        }

        if (card.Cvc is not { Length: 3 or 4 } cvc || !cvc.All(char.IsAsciiDigit))
        {
            errors["card.cvc"] = ["The CVC is the 3 or 4 digits on the card."];
        }

        if (string.IsNullOrWhiteSpace(card.Holder) || card.Holder.Trim().Length > 100)
        {
            errors["card.holder"] = ["Give the name on the card (at most 100 characters)."];
        }

        return errors;
    }

    /// <summary>The card as the gateway takes it; call only after <see cref="Validate"/> found nothing wrong.</summary>
    public static CardDetails ToDetails(CardRequest card)
    {
        var year = card.ExpiryYear!.Value < 100 ? 2000 + card.ExpiryYear.Value : card.ExpiryYear.Value;
        return new CardDetails(card.Number!.Replace(" ", "", StringComparison.Ordinal), card.ExpiryMonth!.Value, year, card.Cvc!, card.Holder!.Trim());
    }
}
