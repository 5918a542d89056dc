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

/// <summary>One customer: profile and credentials.</summary>
public interface ICustomerGrain : IGrainWithGuidKey
{
    /// <summary>Creates the customer from a confirmed sign-up; a second call changes nothing.</summary>
    Task CreateAsync(SignUpDetails details);

    /// <summary>The profile, or null when no such customer exists.</summary>
    [ReadOnly]
    Task<CustomerProfile?> GetProfileAsync();

    /// <summary>The password hash to verify a sign-in against, or null when no such customer exists.</summary>
    [ReadOnly]
    Task<string?> GetPasswordHashAsync();

    /// <summary>Adds an order to the customer's history (the order index); adding it twice changes nothing.</summary>
    Task AddOrderAsync(Guid orderId);

    /// <summary>The customer's orders, newest first.</summary>
    [ReadOnly]
    Task<IReadOnlyList<Guid>> GetOrderIdsAsync();
}

/// <summary>
/// One session, keyed by the SHA-256 of its token (the token itself is never stored). It answers until it expires
/// or is revoked.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    Task<Session> OpenAsync(Guid customerId, TimeSpan lifetime);

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
