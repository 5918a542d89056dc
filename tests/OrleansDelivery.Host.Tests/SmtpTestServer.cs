using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace OrleansDelivery.Host.Tests;

/// <summary>
/// A small SMTP server on a free loopback port that speaks just enough of the protocol (EHLO/HELO, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT, without TLS or authentication) to accept messages and keep them. It can refuse the first
/// <c>refuseFirst</c> messages with 451, as a busy or greylisting server does.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _refuseLeft;
    private int _refused;

    public SmtpTestServer(int refuseFirst = 0)
    {
        _refuseLeft = refuseFirst;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The messages accepted, in order.</summary>
    public ConcurrentQueue<MimeMessage> Received { get; } = new();

    /// <summary>How many messages were refused with 451.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                sessions.Add(ServeAsync(client));
            }
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        await Task.WhenAll(sessions);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                await using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 localhost test SMTP");
                var accepting = false;
                while (await reader.ReadLineAsync(_stop.Token) is { } line)
                {
                    var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO" or "HELO":
                            await writer.WriteLineAsync("250 localhost");
                            break;
                        case "MAIL":
                            accepting = Interlocked.Decrement(ref _refuseLeft) < 0;
                            if (!accepting)
                            {
                                Interlocked.Increment(ref _refused);
                            }

                            await writer.WriteLineAsync(accepting ? "250 OK" : "451 4.3.0 Try again later");
                            break;
                        case "RCPT":
                            await writer.WriteLineAsync(accepting ? "250 OK" : "503 5.5.1 MAIL first");
                            break;
                        case "DATA" when accepting:
                            await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                            Received.Enqueue(await ReadMessageAsync(reader));
                            accepting = false;
                            await writer.WriteLineAsync("250 OK queued");
                            break;
                        case "RSET" or "NOOP":
                            await writer.WriteLineAsync("250 OK");
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 Bye");
                            return;
                        default:
                            await writer.WriteLineAsync("502 5.5.2 Not implemented");
                            break;
                    }
                }
            }
            catch (Exception error) when (error is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server stopped.
            }
        }
    }

    /// <summary>Reads the message up to the lone dot, undoing dot-stuffing.</summary>
    private async Task<MimeMessage> ReadMessageAsync(StreamReader reader)
    {
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(_stop.Token) is { } line && line != ".")
        {
            data.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append("\r\n");
        }

        using var message = new MemoryStream(Encoding.ASCII.GetBytes(data.ToString()));
        return await MimeMessage.LoadAsync(message, _stop.Token);
    }
}
