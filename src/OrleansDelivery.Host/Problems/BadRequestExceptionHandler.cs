using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace OrleansDelivery.Host.Problems;

/// <summary>
/// Turns a request ASP.NET Core could not bind (a query value of the wrong type, malformed JSON, a body too large)
/// into problem details with its own status code, naming the parameter in <c>errors</c> when it can, instead of
/// the bare 400 (or, in Development, an exception page) a client cannot act on.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var problem = new ProblemDetails
        {
            Status = badRequest.StatusCode,
            Title = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.",
            Detail = badRequest.Message,
        };
        if (BindingFailure().Match(badRequest.Message) is { Success: true } failure)
        {
            problem.Title = "One or more validation errors occurred.";
            problem.Extensions["errors"] = new Dictionary<string, string[]>
            {
                [failure.Groups["name"].Value] = [$"'{failure.Groups["value"].Value}' is not {Describe(failure.Groups["type"].Value)}."],
            };
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static string Describe(string type) =>
        (type.StartsWith("Nullable<", StringComparison.Ordinal) ? type[9..^1] : type.TrimEnd('?')) switch
        {
            "int" or "long" or "short" => "a whole number in range",
            "decimal" or "double" or "float" => "a number",
            "Guid" => "an id (a GUID)",
            "bool" => "true or false",
            "DateTimeOffset" or "DateTime" or "DateOnly" => "a date",
            var other => $"a valid {other}",
        };

    // ASP.NET Core's message for a route or query value that does not parse: Failed to bind parameter "int? page" from "abc".
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^ "]+)" from "(?<value>.*)"\.$""")]
    private static partial Regex BindingFailure();
}
