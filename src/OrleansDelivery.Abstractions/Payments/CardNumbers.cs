using System.Globalization;

namespace OrleansDelivery.Payments;

/// <summary>What can be told from a card number alone.</summary>
public static class CardNumbers
{
    /// <summary>The card network, from the number's leading digits.</summary>
    public static string Brand(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (!digits.All(char.IsAsciiDigit))
        {
            return "Card";
        }

        int Prefix(int length) => digits.Length >= length ? int.Parse(digits[..length], CultureInfo.InvariantCulture) : -1;
        return digits switch
        {
            _ when digits.StartsWith('4') => "Visa",
            _ when Prefix(2) is >= 51 and <= 55 || Prefix(4) is >= 2221 and <= 2720 => "Mastercard",
            _ when Prefix(2) is 34 or 37 => "American Express",
            _ when Prefix(4) == 6011 || Prefix(2) == 65 => "Discover",
            _ => "Card",
        };
    }

    /// <summary>The Luhn check digit test every card number passes.</summary>
    public static bool PassesLuhn(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }
}
