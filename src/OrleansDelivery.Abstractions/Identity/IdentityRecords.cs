using System.Collections.Immutable;

namespace OrleansDelivery.Identity;

/// <summary>What a person gives to sign up; the password is already hashed by the web tier.</summary>
[GenerateSerializer, Immutable, Alias("od.sign-up-details")]
public sealed record SignUpDetails(
    [property: Id(0)] string Login,
    [property: Id(1)] string Email,
    [property: Id(2)] string Phone,
    [property: Id(3)] string FirstName,
    [property: Id(4)] string LastName,
    [property: Id(5)] string PasswordHash);

/// <summary>How a sign-up ended; <see cref="Success"/> alone makes a customer.</summary>
public enum SignUpClosing
{
    Success,
    RejectedToProvideCode,
    TooManyTries,
    Timeout,
    Overridden,
    Cancelled,
}

[GenerateSerializer, Immutable, Alias("od.sign-up-started")]
public sealed record SignUpStarted([property: Id(0)] Guid SignUpId, [property: Id(1)] DateTimeOffset ExpiresAt);

/// <summary>The answer to a verification code. A refusal is an answer, not an exception.</summary>
[GenerateSerializer, Immutable, Alias("od.sign-up-confirmation")]
public abstract record SignUpConfirmation
{
    [GenerateSerializer, Immutable, Alias("od.sign-up-confirmation.confirmed")]
    public sealed record Confirmed([property: Id(0)] Guid CustomerId) : SignUpConfirmation;

    [GenerateSerializer, Immutable, Alias("od.sign-up-confirmation.wrong-code")]
    public sealed record WrongCode([property: Id(0)] int AttemptsLeft) : SignUpConfirmation;

    /// <summary>The sign-up is over (too many tries, expired, overridden) and takes no more codes.</summary>
    [GenerateSerializer, Immutable, Alias("od.sign-up-confirmation.closed")]
    public sealed record Closed([property: Id(0)] SignUpClosing Closing) : SignUpConfirmation;

    /// <summary>Someone else took the login, email or phone while this sign-up waited for its code.</summary>
    [GenerateSerializer, Immutable, Alias("od.sign-up-confirmation.taken")]
    public sealed record Taken([property: Id(0)] string Field) : SignUpConfirmation;

    /// <summary>No sign-up has this id.</summary>
    [GenerateSerializer, Immutable, Alias("od.sign-up-confirmation.unknown")]
    public sealed record Unknown : SignUpConfirmation;
}

[GenerateSerializer, Immutable, Alias("od.customer-profile")]
public sealed record CustomerProfile(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string Login,
    [property: Id(2)] string Email,
    [property: Id(3)] string Phone,
    [property: Id(4)] string FirstName,
    [property: Id(5)] string LastName,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] CustomerRole Role);

/// <summary>What a person may do beyond their own account: staff run the catalogue and the orders, admins also the staff.</summary>
public enum CustomerRole
{
    Customer,
    Staff,
    Admin,
}

/// <summary>
/// One open session. The role is the customer's when the session opened; changing a role revokes the customer's
/// sessions, so no session outlives the role it carries.
/// </summary>
[GenerateSerializer, Immutable, Alias("od.session")]
public sealed record Session(
    [property: Id(0)] Guid CustomerId,
    [property: Id(1)] DateTimeOffset ExpiresAt,
    [property: Id(2)] CustomerRole Role,
    [property: Id(3)] string CsrfTokenHash);

public enum NotificationChannel
{
    Push,
    Email,
}

[GenerateSerializer, Immutable, Alias("od.messenger-handle")]
public sealed record MessengerHandle([property: Id(0)] string Messenger, [property: Id(1)] string Handle);

/// <summary>A customer's preferences; <see cref="Default"/> until they change them.</summary>
[GenerateSerializer, Immutable, Alias("od.customer-settings")]
public sealed record CustomerSettings(
    [property: Id(0)] NotificationChannel PreferredChannel,
    [property: Id(1)] bool NotificationsEnabled,
    [property: Id(2)] Orders.PaymentType? PreferredPaymentType,
    [property: Id(3)] string? DefaultDeliveryAddress,
    [property: Id(4)] ImmutableArray<string> DietaryRestrictions,
    [property: Id(5)] ImmutableArray<MessengerHandle> MessengerHandles)
{
    public static CustomerSettings Default { get; } = new(NotificationChannel.Push, true, null, null, [], []);
}

/// <summary>An email the service sent (in development, kept in a mailbox the developer can read).</summary>
[GenerateSerializer, Immutable, Alias("od.email")]
public sealed record Email(
    [property: Id(0)] string To,
    [property: Id(1)] string Subject,
    [property: Id(2)] string Body,
    [property: Id(3)] DateTimeOffset SentAt);

/// <summary>The unique things a customer is known by; each has its own index.</summary>
public static class UniqueKeys
{
    public const string Login = "login";
    public const string Email = "email";
    public const string Phone = "phone";

    /// <summary>The index grain key: kind and value, compared without case.</summary>
    public static string Of(string kind, string value) => $"{kind}/{value.Trim().ToUpperInvariant()}";
}
