using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

public static class StaffAccountEndpoints
{
    public static IEndpointRouteBuilder MapStaffAccounts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/staff/customers")
            .WithTags("Staff")
            .RequireAuthorization(Policies.Admin);

        group.MapPut("/{customerId:guid}/role", SetRoleAsync)
            .WithName("SetRole")
            .WithSummary("Admins only: makes a customer Staff, Admin or a plain Customer again; their sessions are signed out.");

        return app;
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> SetRoleAsync(
        Guid customerId, RoleRequest request, IGrainFactory grains)
    {
        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = ["The role is Customer, Staff or Admin."] });
        }

        return await grains.GetGrain<ICustomerGrain>(customerId).SetRoleAsync(role)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such customer.");
    }
}
