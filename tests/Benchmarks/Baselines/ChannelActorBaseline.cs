using System.Threading.Channels;

namespace OrleansDelivery.Benchmarks.Baselines;

/// <summary>
/// The raw baseline: one <see cref="Channel{T}"/> mailbox per actor, one reader loop each, the caller awaiting a
/// <see cref="TaskCompletionSource{TResult}"/> reply. What a hand-written actor costs with nothing else.
/// </summary>
public sealed class ChannelActorBaseline
{
    private readonly Channel<Message> _mailbox = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelActorBaseline() => _ = Task.Run(RunAsync);

    public Task<int> AddOneAsync(int value)
    {
        // Continuations run asynchronously, as the runtime's replies do, so the actor never runs caller code.
        var reply = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        _mailbox.Writer.TryWrite(new Message(value, reply));
        return reply.Task;
    }

    public void Stop() => _mailbox.Writer.TryComplete();

    private async Task RunAsync()
    {
        var reader = _mailbox.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var message))
            {
                message.Reply.SetResult(message.Value + 1);
            }
        }
    }

    private readonly record struct Message(int Value, TaskCompletionSource<int> Reply);
}
