using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace OrleansDelivery.Host.Identity;

/// <summary>Opaque session tokens: 256 random bits; only their SHA-256 is ever stored (as the session grain's key).</summary>
internal static class SessionTokens
{
    public static string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string GrainKey(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

/// <summary>How long sessions last (<c>Auth:SessionLifetime</c>, <c>Auth:KeepSignedInLifetime</c>).</summary>
public sealed class SessionLifetimeOptions
{
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(5);

    public TimeSpan KeepSignedInLifetime { get; set; } = TimeSpan.FromDays(14);
}
