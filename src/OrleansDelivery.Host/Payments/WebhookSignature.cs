using System.Security.Cryptography;
using System.Text;

namespace OrleansDelivery.Host.Payments;

/// <summary>
/// The bank signs each webhook: <c>X-Signature: sha256=&lt;hex HMAC-SHA256 of the raw body&gt;</c>, keyed with the
/// shared <c>Payments:WebhookSecret</c>.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Signature";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>True when <paramref name="header"/> is the body's signature; compared in constant time.</summary>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(Prefix.Length).Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
