using System.Collections.Concurrent;
using System.Threading.Channels;

namespace OrleansDelivery.Postgres.Streaming;

/// <summary>
/// Group commit for a node's producers: appends to one queue wait in line, and whoever is first takes everything
/// waiting into one statement. Appends to a queue take turns on its counter row anyway (that is what keeps the
/// numbering gap-free and in commit order), so a burst of single appends would queue there one commit at a time;
/// together they cost one round trip. A lone append goes straight through.
/// </summary>
internal sealed class PostgresStreamAppender(PostgresStreamLog log) : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly ConcurrentDictionary<int, QueueWriter> _writers = new();

    public Task AppendAsync(int queueId, PendingMessage message) =>
        _writers.GetOrAdd(queueId, id => new QueueWriter(log, id)).AppendAsync(message);

    public async ValueTask DisposeAsync()
    {
        foreach (var writer in _writers.Values)
        {
            writer.Complete();
        }

        // What is waiting is still written: its producers are owed an answer.
        await Task.WhenAll(_writers.Values.Select(writer => writer.Completion));
    }

    private sealed class QueueWriter
    {
        private readonly Channel<(PendingMessage Message, TaskCompletionSource Appended)> _waiting =
            Channel.CreateUnbounded<(PendingMessage, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

        public QueueWriter(PostgresStreamLog log, int queueId) => Completion = WriteAsync(log, queueId);

        public Task Completion { get; }

        public Task AppendAsync(PendingMessage message)
        {
            var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_waiting.Writer.TryWrite((message, appended)))
            {
                appended.SetException(new ObjectDisposedException(nameof(PostgresStreamAppender), "The stream provider is stopping."));
            }

            return appended.Task;
        }

        public void Complete() => _waiting.Writer.TryComplete();

        private async Task WriteAsync(PostgresStreamLog log, int queueId)
        {
            var batch = new List<(PendingMessage Message, TaskCompletionSource Appended)>(MaxBatch);
            while (await _waiting.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (batch.Count < MaxBatch && _waiting.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                try
                {
                    await log.AppendAsync(queueId, [.. batch.Select(entry => entry.Message)], CancellationToken.None);
                    batch.ForEach(entry => entry.Appended.TrySetResult());
                }
                catch (Exception exception)
                {
                    // Each producer of the batch learns its events were not stored, as if it had appended alone.
                    batch.ForEach(entry => entry.Appended.TrySetException(exception));
                }

                batch.Clear();
            }
        }
    }
}
