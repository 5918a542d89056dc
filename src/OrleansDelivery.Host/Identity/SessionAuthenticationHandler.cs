using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;token&gt;</c> by asking the token's session grain, so a signed-out or
/// expired token stops working on every node at once.
/// </summary>
internal sealed class SessionAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Session";
    public const string TokenItem = "session-token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length is 0 or > 100)
        {
            return AuthenticateResult.Fail("Malformed session token.");
        }

        if (await grains.GetGrain<ISessionGrain>(SessionTokens.GrainKey(token)).GetAsync() is not { } session)
        {
            return AuthenticateResult.Fail("Unknown, expired or revoked session token.");
        }

        Context.Items[TokenItem] = token;
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, session.CustomerId.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}

internal static class CustomerClaims
{
    public static Guid CustomerId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not authenticated."));
}
