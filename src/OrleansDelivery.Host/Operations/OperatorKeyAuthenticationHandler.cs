using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrleansDelivery.Host.Operations;

/// <summary>
/// Lets an operator (or a metrics scraper) in with the key from <c>Operations:DashboardKey</c>, sent in the
/// <c>X-Operator-Key</c> header, as <c>Authorization: Bearer</c>, or in the <c>od_operator_key</c> cookie a browser can
/// carry. Compared in constant time. With no key configured nobody gets in this way.
/// </summary>
internal sealed class OperatorKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperationsSettings settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "OperatorKey";
    public const string Header = "X-Operator-Key";
    public const string Cookie = "od_operator_key";
    public const string OperatorClaim = "od:operator";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (settings.DashboardKey is not { } expected)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var bearer = Request.Headers.Authorization.ToString();
        var offered = Request.Headers[Header].ToString() is { Length: > 0 } header ? header
            : bearer.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? bearer["Bearer ".Length..].Trim()
            : Request.Cookies[Cookie];
        if (string.IsNullOrEmpty(offered))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // Hashing both sides first gives equal lengths, so the comparison reveals nothing about the key's length either.
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(offered)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            // A bearer token is usually a session token meant for the session scheme: not a failed key.
            return Task.FromResult(Request.Headers.ContainsKey(Header) ? AuthenticateResult.Fail("Wrong operator key.") : AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(OperatorClaim, "key"), new Claim(ClaimTypes.Name, "operator")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
