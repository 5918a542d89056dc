using Microsoft.AspNetCore.Http.HttpResults;
using OrleansDelivery.Host.Catalog;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

/// <summary>
/// <c>GET /api/dev/mailbox?to=</c>: the emails the service "sent" to an address, for trying sign-up without a mail
/// server. Mapped only in the Development and Testing environments: it shows anyone's mail.
/// </summary>
public static class DevMailboxEndpoints
{
    public static IEndpointRouteBuilder MapDevMailbox(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/dev/mailbox", GetMailboxAsync)
            .WithTags("Development")
            .AllowAnonymous()
            .WithName("GetDevelopmentMailbox")
            .WithSummary("Lists the emails sent to an address, newest first (development only).");
        return app;
    }

    public static async Task<Results<Ok<PageResponse<EmailResponse>>, ValidationProblem>> GetMailboxAsync(string? to, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(to) || to.Length > 254)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["Give the email address to read."] });
        }

        var emails = await grains.GetGrain<IMailboxGrain>(to.Trim().ToLowerInvariant()).GetAsync();
        return TypedResults.Ok(new PageResponse<EmailResponse>(emails.Select(e => new EmailResponse(e.To, e.Subject, e.Body, e.SentAt)).ToList(), emails.Count));
    }
}
