using OrleansDelivery.Identity;

namespace OrleansDelivery.Grains.Identity;

[GenerateSerializer, Alias("od.mailbox-state")]
public sealed record MailboxState
{
    [Id(0)]
    public List<Email> Emails { get; init; } = [];
}

/// <summary>The development mailbox of one address; it keeps the newest 50 emails.</summary>
public sealed class MailboxGrain([PersistentState("mailbox")] IPersistentState<MailboxState> mailbox) : Grain, IMailboxGrain
{
    private const int Kept = 50;

    public async Task DeliverAsync(Email email)
    {
        mailbox.State = new MailboxState { Emails = [.. mailbox.State.Emails.Append(email).TakeLast(Kept)] };
        await mailbox.WriteStateAsync();
    }

    public Task<IReadOnlyList<Email>> GetAsync() => Task.FromResult<IReadOnlyList<Email>>(mailbox.State.Emails.AsEnumerable().Reverse().ToList());
}
