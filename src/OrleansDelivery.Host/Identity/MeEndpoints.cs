using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using OrleansDelivery.Host.Problems;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

public static class MeEndpoints
{
    private const int MaxAddressLength = 300;
    private const int MaxListLength = 20;
    private const int MaxItemLength = 50;

    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me")
            .WithTags("Profile")
            .RequireAuthorization();

        group.MapGet("/", GetProfileAsync)
            .WithName("GetProfile")
            .WithSummary("Shows the signed-in customer's profile.");

        group.MapPut("/", UpdateProfileAsync)
            .WithName("UpdateProfile")
            .WithSummary("Changes names, email and phone; an email or phone another customer has is a 409.");

        group.MapDelete("/", DeleteAccountAsync)
            .WithName("DeleteAccount")
            .WithSummary("Deletes the account and signs it out everywhere; refused with 409 while an order is in progress.");

        group.MapPut("/password", ChangePasswordAsync)
            .WithName("ChangePassword")
            .WithSummary("Changes the password after checking the current one; every other session is signed out.");

        group.MapGet("/settings", GetSettingsAsync)
            .WithName("GetSettings")
            .WithSummary("Shows notification, payment, delivery and dietary preferences.");

        group.MapPut("/settings", UpdateSettingsAsync)
            .WithName("UpdateSettings")
            .WithSummary("Replaces the preferences; fields left out keep their value.");

        return app;
    }

    public static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfileAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<ICustomerGrain>(user.CustomerId()).GetProfileAsync() is { } profile
            ? TypedResults.Ok(profile.ToResponse())
            : NoSuchCustomer();

    public static async Task<Results<Ok<ProfileResponse>, ValidationProblem, ProblemHttpResult>> UpdateProfileAsync(
        UpdateProfileRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var errors = new Dictionary<string, string[]>();
        SignUpValidation.AddContactErrors(errors, request.Email, request.Phone, request.FirstName, request.LastName);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var changes = new ProfileChanges(request.FirstName!.Trim(), request.LastName!.Trim(), request.Email!.Trim(), SignUpValidation.NormalizePhone(request.Phone)!);
        return await grains.GetGrain<ICustomerGrain>(user.CustomerId()).UpdateProfileAsync(changes) switch
        {
            ProfileUpdate.Updated updated => TypedResults.Ok(updated.Profile.ToResponse()),
            ProfileUpdate.Taken taken => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: $"This {(taken.Field == UniqueKeys.Email ? "email address" : "phone number")} is already taken.",
                extensions: new Dictionary<string, object?> { ["field"] = taken.Field }),
            _ => NoSuchCustomer(),
        };
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAccountAsync(HttpContext context, ClaimsPrincipal user, IGrainFactory grains)
    {
        switch (await grains.GetGrain<ICustomerGrain>(user.CustomerId()).DeleteAsync())
        {
            case AccountDeletion.Deleted:
                context.Response.Cookies.Delete(SessionAuthenticationHandler.SessionCookie);
                context.Response.Cookies.Delete(SessionAuthenticationHandler.CsrfCookie);
                return TypedResults.NoContent();
            case AccountDeletion.OrdersInProgress:
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "An order is still in progress; cancel it or wait until it is delivered, then delete the account.");
            default:
                return NoSuchCustomer();
        }
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePasswordAsync(
        ChangePasswordRequest request, HttpContext context, ClaimsPrincipal user, IGrainFactory grains, IPasswordHasher<object> hasher)
    {
        var errors = new Dictionary<string, string[]>();
        SignUpValidation.AddPasswordErrors(errors, "newPassword", request.NewPassword, request.NewPasswordConfirmation);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var customer = grains.GetGrain<ICustomerGrain>(user.CustomerId());
        if (await customer.GetPasswordHashAsync() is not { } hash)
        {
            return NoSuchCustomer();
        }

        if (hasher.VerifyHashedPassword(new object(), hash, request.CurrentPassword ?? "") == PasswordVerificationResult.Failed)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["currentPassword"] = ["The current password is wrong."] });
        }

        var token = (string)context.Items[SessionAuthenticationHandler.TokenItem]!;
        await customer.ChangePasswordAsync(hasher.HashPassword(new object(), request.NewPassword!), SessionTokens.GrainKey(token));
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<SettingsResponse>, ProblemHttpResult>> GetSettingsAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<ICustomerGrain>(user.CustomerId()).GetSettingsAsync() is { } settings
            ? TypedResults.Ok(settings.ToResponse())
            : NoSuchCustomer();

    public static async Task<Results<Ok<SettingsResponse>, ValidationProblem, ProblemHttpResult>> UpdateSettingsAsync(
        SettingsRequest request, ClaimsPrincipal user, IGrainFactory grains)
    {
        var customer = grains.GetGrain<ICustomerGrain>(user.CustomerId());
        if (await customer.GetSettingsAsync() is not { } current)
        {
            return NoSuchCustomer();
        }

        var errors = new Dictionary<string, string[]>();
        if (request.DefaultDeliveryAddress is { } address && (address.Trim().Length > MaxAddressLength || FreeText.HasControlCharacters(address)))
        {
            errors["defaultDeliveryAddress"] = [$"An address has at most {MaxAddressLength} characters on one line."];
        }

        if (request.DietaryRestrictions is { } restrictions
            && (restrictions.Count > MaxListLength || restrictions.Any(r => string.IsNullOrWhiteSpace(r) || r.Trim().Length > MaxItemLength)))
        {
            errors["dietaryRestrictions"] = [$"At most {MaxListLength} restrictions of 1 to {MaxItemLength} characters each."];
        }

        if (request.MessengerHandles is { } handles
            && (handles.Count > MaxListLength || handles.Any(h => h is null || IsBlankOrLong(h.Messenger) || IsBlankOrLong(h.Handle))))
        {
            errors["messengerHandles"] = [$"At most {MaxListLength} handles, each a messenger and a handle of 1 to {MaxItemLength} characters."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var settings = new CustomerSettings(
            request.PreferredChannel ?? current.PreferredChannel,
            request.NotificationsEnabled ?? current.NotificationsEnabled,
            request.PreferredPaymentType ?? current.PreferredPaymentType,
            request.DefaultDeliveryAddress is null ? current.DefaultDeliveryAddress : NullIfBlank(request.DefaultDeliveryAddress),
            request.DietaryRestrictions is null ? current.DietaryRestrictions : [.. request.DietaryRestrictions.Select(r => r.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)],
            request.MessengerHandles is null ? current.MessengerHandles : [.. request.MessengerHandles.Select(h => new MessengerHandle(h.Messenger!.Trim(), h.Handle!.Trim()))]);
        return await customer.UpdateSettingsAsync(settings) ? TypedResults.Ok(settings.ToResponse()) : NoSuchCustomer();
    }

    private static bool IsBlankOrLong(string? value) => string.IsNullOrWhiteSpace(value) || value.Trim().Length > MaxItemLength;

    private static string? NullIfBlank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ProblemHttpResult NoSuchCustomer() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer.");

    private static ProfileResponse ToResponse(this CustomerProfile profile) =>
        new(profile.Id, profile.Login, profile.Email, profile.Phone, profile.FirstName, profile.LastName, profile.CreatedAt, profile.Role);

    private static SettingsResponse ToResponse(this CustomerSettings settings) => new(
        settings.PreferredChannel,
        settings.NotificationsEnabled,
        settings.PreferredPaymentType,
        settings.DefaultDeliveryAddress,
        settings.DietaryRestrictions,
        [.. settings.MessengerHandles.Select(h => new MessengerHandleDto(h.Messenger, h.Handle))]);
}
