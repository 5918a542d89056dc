using System.Net.Mail;
using System.Text.RegularExpressions;

namespace OrleansDelivery.Host.Identity;

/// <summary>The rules every sign-up field must meet, each failure named by its field.</summary>
internal static partial class SignUpValidation
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    public static Dictionary<string, string[]> Validate(SignUpRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Login) || !LoginPattern().IsMatch(request.Login))
        {
            errors["login"] = ["A login has 3 to 32 letters, digits, '.', '_' or '-'."];
        }

        AddContactErrors(errors, request.Email, request.Phone, request.FirstName, request.LastName);
        AddPasswordErrors(errors, "password", request.Password, request.PasswordConfirmation);
        return errors;
    }

    /// <summary>The rules for what a profile holds besides the login: email, phone and names.</summary>
    public static void AddContactErrors(Dictionary<string, string[]> errors, string? email, string? phone, string? firstName, string? lastName)
    {
        if (!IsEmail(email))
        {
            errors["email"] = ["Enter an email address such as name@example.com."];
        }

        if (NormalizePhone(phone) is null)
        {
            errors["phone"] = ["Enter a phone number of 7 to 15 digits, such as +44 20 7946 0958."];
        }

        foreach (var (field, value) in new[] { ("firstName", firstName), ("lastName", lastName) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > 100 || value.Any(char.IsControl))
            {
                errors[field] = ["A name has 1 to 100 characters."];
            }
        }
    }

    /// <summary>A new password: long enough, not too long, typed the same twice.</summary>
    public static void AddPasswordErrors(Dictionary<string, string[]> errors, string field, string? password, string? confirmation)
    {
        if (password is not { Length: >= MinPasswordLength and <= MaxPasswordLength })
        {
            errors[field] = [$"A password has {MinPasswordLength} to {MaxPasswordLength} characters."];
        }
        else if (password != confirmation)
        {
            errors[field + "Confirmation"] = ["The two passwords differ."];
        }
    }

    /// <summary>Digits only, with a leading '+' when given; null when it is not a phone number.</summary>
    public static string? NormalizePhone(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone) || phone.Length > 32 || !PhonePattern().IsMatch(phone))
        {
            return null;
        }

        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        return digits.Length is >= 7 and <= 15 ? (phone.TrimStart().StartsWith('+') ? "+" : "") + digits : null;
    }

    public static bool IsEmail(string? email) =>
        email is { Length: > 0 and <= 254 }
        && MailAddress.TryCreate(email.Trim(), out var address)
        && address.Address == email.Trim()
        && address.Host.Contains('.', StringComparison.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{3,32}$")]
    private static partial Regex LoginPattern();

    [GeneratedRegex(@"^\s*\+?[0-9][0-9 ()-]*$")]
    private static partial Regex PhonePattern();
}
