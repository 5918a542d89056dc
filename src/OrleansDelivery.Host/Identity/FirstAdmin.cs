using Microsoft.AspNetCore.Identity;
using OrleansDelivery.Identity;

namespace OrleansDelivery.Host.Identity;

/// <summary>
/// The first admin (<c>Auth:Admin:Login</c>, <c>:Email</c>, <c>:Password</c>, optional <c>:Phone</c>): someone has to
/// be able to name staff, and no password is ever built in. Nothing is created when no login is configured.
/// </summary>
public sealed class FirstAdminOptions
{
    public const string Section = "Auth:Admin";

    public string? Login { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? Password { get; set; }

    public static FirstAdminOptions? FromConfiguration(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<FirstAdminOptions>();
        if (options is null || (string.IsNullOrEmpty(options.Login) && string.IsNullOrEmpty(options.Password)))
        {
            return null;
        }

        var request = new SignUpRequest(options.Login, options.Email, options.Phone ?? "+0000000", options.Password, options.Password, "Admin", "Admin");
        if (SignUpValidation.Validate(request) is { Count: > 0 } errors)
        {
            var problems = string.Join("; ", errors.Select(error => $"{Section}:{char.ToUpperInvariant(error.Key[0])}{error.Key[1..]}: {string.Join(" ", error.Value)}"));
            throw new InvalidOperationException($"The first admin is misconfigured: {problems}");
        }

        if (options.Password!.Length < 12)
        {
            throw new InvalidOperationException($"The first admin is misconfigured: {Section}:Password must have at least 12 characters.");
        }

        return options;
    }
}

/// <summary>
/// Creates the configured first admin as the node starts, or gives that login the admin role if it exists. Several
/// nodes may start at once: the login's index grain lets exactly one of them create it. The password is used only
/// when the account is created; change it afterwards through <c>PUT /api/me/password</c>.
/// </summary>
internal sealed partial class FirstAdminSeeder(
    FirstAdminOptions options, IGrainFactory grains, IPasswordHasher<object> hasher, ILogger<FirstAdminSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var login = grains.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(UniqueKeys.Login, options.Login!));
        var candidate = Guid.NewGuid();
        if (!await login.ClaimAsync(candidate))
        {
            var owner = (await login.GetOwnerAsync())!.Value;
            await grains.GetGrain<ICustomerGrain>(owner).SetRoleAsync(CustomerRole.Admin);
            LogPromoted(logger, options.Login!);
            return;
        }

        var phone = SignUpValidation.NormalizePhone(options.Phone) ?? "";
        await grains.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(UniqueKeys.Email, options.Email!)).ClaimAsync(candidate);
        if (phone.Length > 0)
        {
            await grains.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(UniqueKeys.Phone, phone)).ClaimAsync(candidate);
        }

        var details = new SignUpDetails(options.Login!.Trim(), options.Email!.Trim(), phone, "Admin", "", hasher.HashPassword(new object(), options.Password!));
        await grains.GetGrain<ICustomerGrain>(candidate).CreateAsync(details, CustomerRole.Admin);
        LogCreated(logger, options.Login!);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "First admin {Login} created from configuration")]
    private static partial void LogCreated(ILogger logger, string login);

    [LoggerMessage(Level = LogLevel.Information, Message = "First admin {Login} exists; it has the admin role")]
    private static partial void LogPromoted(ILogger logger, string login);
}
