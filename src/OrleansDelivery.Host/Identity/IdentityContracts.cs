using OrleansDelivery.Identity;
using OrleansDelivery.Orders;

namespace OrleansDelivery.Host.Identity;

public sealed record SignUpRequest(
    string? Login, string? Email, string? Phone, string? Password, string? PasswordConfirmation, string? FirstName, string? LastName);

public sealed record SignUpResponse(Guid SignUpId, DateTimeOffset ExpiresAt);

public sealed record ConfirmSignUpRequest(string? Code);

public sealed record ConfirmSignUpResponse(Guid CustomerId);

public sealed record SignInRequest(string? Login, string? Password, bool KeepSignedIn);

/// <summary>The session token for API clients; browsers get it as an HttpOnly cookie and send <c>CsrfToken</c> back in <c>X-CSRF-Token</c>.</summary>
public sealed record SignInResponse(string Token, DateTimeOffset ExpiresAt, Guid CustomerId, string CsrfToken);

public sealed record ProfileResponse(
    Guid Id, string Login, string Email, string Phone, string FirstName, string LastName, DateTimeOffset CreatedAt, CustomerRole Role);

public sealed record UpdateProfileRequest(string? FirstName, string? LastName, string? Email, string? Phone);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword, string? NewPasswordConfirmation);

public sealed record SettingsRequest(
    NotificationChannel? PreferredChannel,
    bool? NotificationsEnabled,
    PaymentType? PreferredPaymentType,
    string? DefaultDeliveryAddress,
    IReadOnlyList<string>? DietaryRestrictions,
    IReadOnlyList<MessengerHandleDto>? MessengerHandles);

public sealed record SettingsResponse(
    NotificationChannel PreferredChannel,
    bool NotificationsEnabled,
    PaymentType? PreferredPaymentType,
    string? DefaultDeliveryAddress,
    IReadOnlyList<string> DietaryRestrictions,
    IReadOnlyList<MessengerHandleDto> MessengerHandles);

public sealed record MessengerHandleDto(string? Messenger, string? Handle);

public sealed record RoleRequest(CustomerRole? Role);

public sealed record EmailResponse(string To, string Subject, string Body, DateTimeOffset SentAt);
