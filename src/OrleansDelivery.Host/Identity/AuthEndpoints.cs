using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

public static class AuthEndpoints
{
    private const string InvalidCredentials = "Invalid login or password.";

    // Verified when the login is unknown, so an unknown login takes as long to refuse as a wrong password.
    private static readonly string DecoyHash = new PasswordHasher<object>().HashPassword(new object(), Guid.NewGuid().ToString());

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Sign-up and sign-in");

        group.MapPost("/signup", SignUpAsync)
            .AllowAnonymous()
            .WithName("SignUp")
            .WithSummary("Starts a sign-up and emails a 6-digit code; the customer exists once the code is confirmed.");

        group.MapPost("/signup/{signUpId:guid}/confirm", ConfirmSignUpAsync)
            .AllowAnonymous()
            .WithName("ConfirmSignUp")
            .WithSummary("Confirms a sign-up with its emailed code and creates the customer.");

        group.MapPost("/signin", SignInAsync)
            .AllowAnonymous()
            .WithName("SignIn")
            .WithSummary("Signs in with login or email and password; returns a session token.");

        group.MapPost("/signout", SignOutAsync)
            .RequireAuthorization()
            .WithName("SignOut")
            .WithSummary("Revokes the session token of this request.");

        return app;
    }

    public static async Task<Results<Accepted<SignUpResponse>, ValidationProblem, ProblemHttpResult>> SignUpAsync(
        SignUpRequest request, IGrainFactory grains, IPasswordHasher<object> hasher)
    {
        var errors = SignUpValidation.Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var details = new SignUpDetails(
            request.Login!.Trim(),
            request.Email!.Trim(),
            SignUpValidation.NormalizePhone(request.Phone)!,
            request.FirstName!.Trim(),
            request.LastName!.Trim(),
            hasher.HashPassword(new object(), request.Password!));

        // An early answer for what is taken now; the sign-up claims the three for good when its code is confirmed.
        foreach (var (field, value, label) in new[]
        {
            (UniqueKeys.Login, details.Login, "login"), (UniqueKeys.Email, details.Email, "email address"), (UniqueKeys.Phone, details.Phone, "phone number"),
        })
        {
            if (await grains.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(field, value)).GetOwnerAsync() is not null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"This {label} is already taken.", extensions: new Dictionary<string, object?> { ["field"] = field });
            }
        }

        var started = await grains.GetGrain<ISignUpGrain>(Guid.NewGuid()).StartAsync(details);

        // The newest sign-up for a login or an email is the one that counts; the one it replaces is closed as Overridden.
        foreach (var (field, value) in new[] { (UniqueKeys.Login, details.Login), (UniqueKeys.Email, details.Email) })
        {
            if (await grains.GetGrain<IPendingSignUpGrain>(UniqueKeys.Of(field, value)).ReplaceAsync(started.SignUpId) is { } replaced)
            {
                await grains.GetGrain<ISignUpGrain>(replaced).OverrideAsync();
            }
        }

        return TypedResults.Accepted($"/api/auth/signup/{started.SignUpId}", new SignUpResponse(started.SignUpId, started.ExpiresAt));
    }

    public static async Task<Results<Created<ConfirmSignUpResponse>, ValidationProblem, ProblemHttpResult>> ConfirmSignUpAsync(
        Guid signUpId, ConfirmSignUpRequest request, IGrainFactory grains)
    {
        if (request.Code is not { Length: 6 } code || !code.All(char.IsAsciiDigit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["The code has 6 digits."] });
        }

        return await grains.GetGrain<ISignUpGrain>(signUpId).ConfirmAsync(code) switch
        {
            SignUpConfirmation.Confirmed confirmed =>
                TypedResults.Created("/api/me", new ConfirmSignUpResponse(confirmed.CustomerId)),
            SignUpConfirmation.WrongCode wrong => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["code"] = ["The code is wrong."] },
                extensions: new Dictionary<string, object?> { ["attemptsLeft"] = wrong.AttemptsLeft }),
            SignUpConfirmation.Closed closed => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "This sign-up is closed; start a new one.",
                extensions: new Dictionary<string, object?> { ["closing"] = closed.Closing.ToString() }),
            SignUpConfirmation.Taken taken => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: $"The {taken.Field} was taken by someone else meanwhile; start a new sign-up.",
                extensions: new Dictionary<string, object?> { ["field"] = taken.Field }),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such sign-up."),
        };
    }

    public static async Task<Results<Ok<SignInResponse>, ProblemHttpResult>> SignInAsync(
        SignInRequest request, HttpContext context, IGrainFactory grains, IPasswordHasher<object> hasher, IOptions<SessionLifetimeOptions> options)
    {
        // Failures count per login and per client address, in grains, so every node throttles alike.
        var throttles = new List<ISignInThrottleGrain>
        {
            grains.GetGrain<ISignInThrottleGrain>($"address/{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}"),
        };
        if (!string.IsNullOrWhiteSpace(request.Login) && request.Login.Length <= 254)
        {
            throttles.Add(grains.GetGrain<ISignInThrottleGrain>(UniqueKeys.Of(UniqueKeys.Login, request.Login)));
        }

        var retryAfter = (await Task.WhenAll(throttles.Select(throttle => throttle.GetRetryAfterAsync()))).Max();
        if (retryAfter > TimeSpan.Zero)
        {
            context.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed sign-ins; try again later.");
        }

        var customerId = await FindCustomerAsync(grains, request.Login);
        var customer = customerId is { } id ? grains.GetGrain<ICustomerGrain>(id) : null;
        var hash = customer is null ? null : await customer.GetPasswordHashAsync();
        var verified = hasher.VerifyHashedPassword(new object(), hash ?? DecoyHash, request.Password ?? "");
        if (customer is null || hash is null || verified == PasswordVerificationResult.Failed
            || await customer.GetProfileAsync() is not { } profile)
        {
            await Task.WhenAll(throttles.Select(throttle => throttle.RecordFailureAsync()));
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: InvalidCredentials);
        }

        await throttles[^1].ResetAsync();
        var token = SessionTokens.NewToken();
        var csrfToken = SessionTokens.NewToken();
        var lifetime = request.KeepSignedIn ? options.Value.KeepSignedInLifetime : options.Value.SessionLifetime;
        var sessionKey = SessionTokens.GrainKey(token);
        var session = await grains.GetGrain<ISessionGrain>(sessionKey).OpenAsync(profile.Id, lifetime, profile.Role, CsrfTokens.Hash(csrfToken));
        await customer.AddSessionAsync(sessionKey, session.ExpiresAt);

        // Browsers keep the token where scripts cannot read it; the antiforgery token is readable so the page can echo it.
        var expires = request.KeepSignedIn ? session.ExpiresAt : (DateTimeOffset?)null;
        context.Response.Cookies.Append(SessionAuthenticationHandler.SessionCookie, token, Cookie(context, httpOnly: true, expires));
        context.Response.Cookies.Append(SessionAuthenticationHandler.CsrfCookie, csrfToken, Cookie(context, httpOnly: false, expires));
        return TypedResults.Ok(new SignInResponse(token, session.ExpiresAt, profile.Id, csrfToken));
    }

    public static async Task<NoContent> SignOutAsync(HttpContext context, IGrainFactory grains)
    {
        var token = (string)context.Items[SessionAuthenticationHandler.TokenItem]!;
        await grains.GetGrain<ISessionGrain>(SessionTokens.GrainKey(token)).RevokeAsync();
        context.Response.Cookies.Delete(SessionAuthenticationHandler.SessionCookie, Cookie(context, httpOnly: true, expires: null));
        context.Response.Cookies.Delete(SessionAuthenticationHandler.CsrfCookie, Cookie(context, httpOnly: false, expires: null));
        return TypedResults.NoContent();
    }

    private static CookieOptions Cookie(HttpContext context, bool httpOnly, DateTimeOffset? expires) => new()
    {
        HttpOnly = httpOnly,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private static async Task<Guid?> FindCustomerAsync(IGrainFactory grains, string? login)
    {
        if (string.IsNullOrWhiteSpace(login) || login.Length > 254)
        {
            return null;
        }

        return await grains.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(UniqueKeys.Login, login)).GetOwnerAsync()
            ?? await grains.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(UniqueKeys.Email, login)).GetOwnerAsync();
    }
}
