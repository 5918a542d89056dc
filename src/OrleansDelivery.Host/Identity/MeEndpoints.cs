using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/me")
            .WithTags("Profile")
            .RequireAuthorization();

        group.MapGet("/", GetProfileAsync)
            .WithName("GetProfile")
            .WithSummary("Shows the signed-in customer's profile.");

        return app;
    }

    public static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> GetProfileAsync(ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<ICustomerGrain>(user.CustomerId()).GetProfileAsync() is { } profile
            ? TypedResults.Ok(new ProfileResponse(profile.Id, profile.Login, profile.Email, profile.Phone, profile.FirstName, profile.LastName, profile.CreatedAt))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer.");
}
