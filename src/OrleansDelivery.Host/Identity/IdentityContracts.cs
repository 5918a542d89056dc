namespace OrleansDelivery.Host.Identity;

public sealed record SignUpRequest(
    string? Login, string? Email, string? Phone, string? Password, string? PasswordConfirmation, string? FirstName, string? LastName);

public sealed record SignUpResponse(Guid SignUpId, DateTimeOffset ExpiresAt);

public sealed record ConfirmSignUpRequest(string? Code);

public sealed record ConfirmSignUpResponse(Guid CustomerId);

public sealed record SignInRequest(string? Login, string? Password, bool KeepSignedIn);

public sealed record SignInResponse(string Token, DateTimeOffset ExpiresAt, Guid CustomerId);

public sealed record ProfileResponse(Guid Id, string Login, string Email, string Phone, string FirstName, string LastName, DateTimeOffset CreatedAt);

public sealed record EmailResponse(string To, string Subject, string Body, DateTimeOffset SentAt);
