namespace OrleansDelivery.Identity;

/// <summary>
/// One pending sign-up: it mails a 6-digit code, takes at most 5 tries within 15 minutes, and on the right code
/// claims the login, email and phone and creates the customer.
/// </summary>
public interface ISignUpGrain : IGrainWithGuidKey
{
    const int CodeAttempts = 5;

    Task<SignUpStarted> StartAsync(SignUpDetails details);

    Task<SignUpConfirmation> ConfirmAsync(string code);

    /// <summary>Closes the sign-up with <see cref="SignUpClosing.Overridden"/> unless it is over already.</summary>
    Task OverrideAsync();
}

/// <summary>Who owns one login, email or phone (key: <see cref="UniqueKeys.Of"/>); the first claim wins.</summary>
public interface IUniqueIndexGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<Guid?> GetOwnerAsync();

    /// <summary>True when the value is now (or already was) the owner's.</summary>
    Task<bool> ClaimAsync(Guid owner);

    /// <summary>Lets the value go, if the owner holds it.</summary>
    Task ReleaseAsync(Guid owner);
}

/// <summary>One customer: profile, credentials, role, settings, open sessions and the order index.</summary>
public interface ICustomerGrain : IGrainWithGuidKey
{
    /// <summary>Creates the customer from a confirmed sign-up (or the configured first admin); a second call changes nothing.</summary>
    Task CreateAsync(SignUpDetails details, CustomerRole role);

    /// <summary>The profile, or null when no such customer exists (or it was deleted).</summary>
    [ReadOnly]
    Task<CustomerProfile?> GetProfileAsync();

    /// <summary>The password hash to verify a sign-in against, or null when no such customer exists.</summary>
    [ReadOnly]
    Task<string?> GetPasswordHashAsync();

    /// <summary>Changes names, email and phone; a new email or phone is claimed in its index first.</summary>
    Task<ProfileUpdate> UpdateProfileAsync(ProfileChanges changes);

    /// <summary>Sets a new password hash and revokes every session but <paramref name="keepSessionKey"/>.</summary>
    Task ChangePasswordAsync(string passwordHash, string? keepSessionKey);

    /// <summary>Deletes the account: revokes its sessions and frees its login, email and phone. Refused while an order is in progress.</summary>
    Task<AccountDeletion> DeleteAsync();

    /// <summary>Gives the customer a role; their open sessions are revoked so none carries the old one.</summary>
    Task<bool> SetRoleAsync(CustomerRole role);

    [ReadOnly]
    Task<CustomerSettings?> GetSettingsAsync();

    Task<bool> UpdateSettingsAsync(CustomerSettings settings);

    /// <summary>Remembers an open session (by its key) so a password change or deletion can revoke it.</summary>
    Task AddSessionAsync(string sessionKey, DateTimeOffset expiresAt);

    /// <summary>Adds an order to the customer's history (the order index); adding it twice changes nothing.</summary>
    Task AddOrderAsync(Guid orderId);

    /// <summary>The customer's orders, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<Guid>> GetOrderIdsAsync();
}

/// <summary>The values a customer may change on their profile.</summary>
[GenerateSerializer, Immutable, Alias("od.profile-changes")]
public sealed record ProfileChanges(
    [property: Id(0)] string FirstName,
    [property: Id(1)] string LastName,
    [property: Id(2)] string Email,
    [property: Id(3)] string Phone);

[GenerateSerializer, Immutable, Alias("od.profile-update")]
public abstract record ProfileUpdate
{
    [GenerateSerializer, Immutable, Alias("od.profile-update.updated")]
    public sealed record Updated([property: Id(0)] CustomerProfile Profile) : ProfileUpdate;

    /// <summary>Another customer owns the email or the phone (the field's name).</summary>
    [GenerateSerializer, Immutable, Alias("od.profile-update.taken")]
    public sealed record Taken([property: Id(0)] string Field) : ProfileUpdate;

    [GenerateSerializer, Immutable, Alias("od.profile-update.unknown")]
    public sealed record Unknown : ProfileUpdate;
}

public enum AccountDeletion
{
    Deleted,
    OrdersInProgress,
    Unknown,
}

/// <summary>
/// Counts failed sign-ins for one login or one client address (key: "login/…" or "address/…") in a sliding window,
/// so guessing passwords is throttled on every node alike.
/// </summary>
public interface ISignInThrottleGrain : IGrainWithStringKey
{
    /// <summary>How long the caller must wait before trying again; zero when it may try now.</summary>
    [ReadOnly]
    Task<TimeSpan> GetRetryAfterAsync();

    Task RecordFailureAsync();

    Task ResetAsync();
}

/// <summary>The sign-up waiting for its code for one login or email (key: <see cref="UniqueKeys.Of"/>), so a newer one overrides it.</summary>
public interface IPendingSignUpGrain : IGrainWithStringKey
{
    /// <summary>Makes <paramref name="signUpId"/> the pending sign-up; returns the one it replaces, if any.</summary>
    Task<Guid?> ReplaceAsync(Guid signUpId);
}

/// <summary>
/// One session, keyed by the SHA-256 of its token (the token itself is never stored). It answers until it expires
/// or is revoked.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    Task<Session> OpenAsync(Guid customerId, TimeSpan lifetime, CustomerRole role, string csrfTokenHash);

    /// <summary>The session while it is valid; null once it expired, was revoked, or never existed.</summary>
    [ReadOnly]
    Task<Session?> GetAsync();

    Task RevokeAsync();
}

/// <summary>The development mailbox of one address: what the service would have sent there.</summary>
public interface IMailboxGrain : IGrainWithStringKey
{
    Task DeliverAsync(Email email);

    [ReadOnly]
    Task<IReadOnlyList<Email>> GetAsync();
}
