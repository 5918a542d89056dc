using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

/// <summary>
/// Authenticates a session token by asking its session grain, so a signed-out or expired token stops working on every
/// node at once. API clients send <c>Authorization: Bearer</c>; browsers carry the token in an HttpOnly cookie and must
/// echo the session's antiforgery token in <c>X-CSRF-Token</c> on every unsafe request. That token is bound to the
/// session server-side, so any node can check it without sharing data-protection keys.
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
    public const string CookieModeItem = "session-cookie-mode";
    public const string SessionCookie = "od_session";
    public const string CsrfCookie = "od_csrf";
    public const string CsrfHeader = "X-CSRF-Token";

    private const string CsrfRefusedItem = "session-csrf-refused";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        var cookieMode = false;
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (Request.Path.StartsWithSegments("/hubs") && Request.Query["access_token"].ToString() is { Length: > 0 } queryToken)
        {
            // Browsers cannot set headers on a WebSocket, so SignalR clients send the token in the query instead.
            token = queryToken;
        }
        else if (Request.Cookies.TryGetValue(SessionCookie, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            token = cookie;
            cookieMode = true;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }

        if (token.Length is 0 or > 100)
        {
            return AuthenticateResult.Fail("Malformed session token.");
        }

        if (await grains.GetGrain<ISessionGrain>(SessionTokens.GrainKey(token)).GetAsync() is not { } session)
        {
            return AuthenticateResult.Fail("Unknown, expired or revoked session token.");
        }

        if (cookieMode && !HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method) && !HttpMethods.IsOptions(Request.Method)
            && !CsrfTokens.Matches(Request.Headers[CsrfHeader].ToString(), session.CsrfTokenHash))
        {
            Context.Items[CsrfRefusedItem] = true;
            return AuthenticateResult.Fail($"A cookie-authenticated {Request.Method} needs the session's {CsrfHeader} header.");
        }

        Context.Items[TokenItem] = token;
        Context.Items[CookieModeItem] = cookieMode;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, session.CustomerId.ToString()), new Claim(ClaimTypes.Role, session.Role.ToString())],
            SchemeName,
            ClaimTypes.NameIdentifier,
            ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A valid session without its antiforgery header is not anonymous: it is a request the user did not make.
        Response.StatusCode = Context.Items.ContainsKey(CsrfRefusedItem) ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }
}

/// <summary>The per-session antiforgery token: random, handed to the browser once, stored only as a hash.</summary>
internal static class CsrfTokens
{
    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string? token, string expectedHash) =>
        !string.IsNullOrEmpty(token) && token.Length <= 100
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(expectedHash));
}

/// <summary>The authorization policies beyond "signed in".</summary>
public static class Policies
{
    /// <summary>Kitchen, couriers and managers: the catalogue, stock and every order.</summary>
    public const string Staff = "Staff";

    /// <summary>Admins: everything staff may do, and who is staff.</summary>
    public const string Admin = "Admin";
}

internal static class CustomerClaims
{
    public static Guid CustomerId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The request is not authenticated."));

    /// <summary>Who made a change, as the order history records it.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        $"{(user.FindFirstValue(ClaimTypes.Role) ?? nameof(CustomerRole.Customer)).ToLowerInvariant()}:{user.CustomerId()}";
}
