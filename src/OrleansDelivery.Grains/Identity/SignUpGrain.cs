using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using OrleansDelivery.Identity;
using OrleansDelivery.Notifications;

namespace OrleansDelivery.Grains.Identity;

[GenerateSerializer, Alias("od.sign-up-state")]
public sealed record SignUpState
{
    [Id(0)]
    public SignUpDetails? Details { get; init; }

    /// <summary>SHA-256 of the code, so the stored state does not give it away.</summary>
    [Id(1)]
    public string? CodeHash { get; init; }

    [Id(2)]
    public DateTimeOffset ExpiresAt { get; init; }

    [Id(3)]
    public int AttemptsLeft { get; init; }

    [Id(4)]
    public SignUpClosing? Closing { get; init; }

    [Id(5)]
    public Guid? CustomerId { get; init; }
}

/// <summary>The single writer of one sign-up and its verification code.</summary>
public sealed class SignUpGrain([PersistentState("signup")] IPersistentState<SignUpState> signUp, TimeProvider time) : Grain, ISignUpGrain
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(15);

    public async Task<SignUpStarted> StartAsync(SignUpDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (signUp.State.Details is not null)
        {
            throw new InvalidOperationException($"Sign-up {this.GetPrimaryKey()} was started already.");
        }

        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var expiresAt = time.GetUtcNow() + CodeLifetime;
        signUp.State = new SignUpState { Details = details, CodeHash = Hash(code), ExpiresAt = expiresAt, AttemptsLeft = ISignUpGrain.CodeAttempts };
        await signUp.WriteStateAsync();

        await GrainFactory.GetGrain<IEmailOutboxGrain>(EmailOutbox.KeyOf(details.Email)).EnqueueAsync(new OutgoingEmail(
            this.GetPrimaryKey(),
            details.Email,
            "Your OrleansDelivery verification code",
            $"Hello {details.FirstName}, your verification code is {code}. It expires in {CodeLifetime.TotalMinutes:0} minutes."));
        return new SignUpStarted(this.GetPrimaryKey(), expiresAt);
    }

    public async Task<SignUpConfirmation> ConfirmAsync(string code)
    {
        var state = signUp.State;
        if (state.Details is null)
        {
            return new SignUpConfirmation.Unknown();
        }

        if (state.Closing is SignUpClosing.Success)
        {
            // A retried confirmation of the right code: the customer exists already.
            return new SignUpConfirmation.Confirmed(state.CustomerId!.Value);
        }

        if (state.Closing is { } closing)
        {
            return new SignUpConfirmation.Closed(closing);
        }

        if (time.GetUtcNow() >= state.ExpiresAt)
        {
            await CloseAsync(SignUpClosing.Timeout);
            return new SignUpConfirmation.Closed(SignUpClosing.Timeout);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(code ?? "")), Encoding.ASCII.GetBytes(state.CodeHash!)))
        {
            var attemptsLeft = state.AttemptsLeft - 1;
            signUp.State = state with { AttemptsLeft = attemptsLeft, Closing = attemptsLeft == 0 ? SignUpClosing.TooManyTries : null };
            await signUp.WriteStateAsync();
            return attemptsLeft == 0 ? new SignUpConfirmation.Closed(SignUpClosing.TooManyTries) : new SignUpConfirmation.WrongCode(attemptsLeft);
        }

        var customerId = Guid.NewGuid();
        if (await ClaimAllAsync(state.Details, customerId) is { } taken)
        {
            return new SignUpConfirmation.Taken(taken);
        }

        await GrainFactory.GetGrain<ICustomerGrain>(customerId).CreateAsync(state.Details, CustomerRole.Customer);
        signUp.State = state with { Closing = SignUpClosing.Success, CustomerId = customerId };
        await signUp.WriteStateAsync();
        return new SignUpConfirmation.Confirmed(customerId);
    }

    public async Task OverrideAsync()
    {
        if (signUp.State is { Details: not null, Closing: null })
        {
            await CloseAsync(SignUpClosing.Overridden);
        }
    }

    /// <summary>Claims login, email and phone for the customer, all or none; returns the field someone else holds.</summary>
    private async Task<string?> ClaimAllAsync(SignUpDetails details, Guid customerId)
    {
        var claimed = new List<IUniqueIndexGrain>();
        foreach (var (field, value) in new[] { (UniqueKeys.Login, details.Login), (UniqueKeys.Email, details.Email), (UniqueKeys.Phone, details.Phone) })
        {
            var index = GrainFactory.GetGrain<IUniqueIndexGrain>(UniqueKeys.Of(field, value));
            if (!await index.ClaimAsync(customerId))
            {
                foreach (var release in claimed)
                {
                    await release.ReleaseAsync(customerId);
                }

                return field;
            }

            claimed.Add(index);
        }

        return null;
    }

    private async Task CloseAsync(SignUpClosing closing)
    {
        signUp.State = signUp.State with { Closing = closing };
        await signUp.WriteStateAsync();
    }

    private static string Hash(string code) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
