using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansDelivery.Host.Tests;

/// <summary>Keeps the formatted messages a host logs, so a test can ask what the host did.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private const string ErrorCategory = "(errors)";
    private readonly ConcurrentQueue<(string Category, string Message)> _entries = new();

    /// <summary>The newest errors the host logged, with their exceptions, to explain an unexpected response.</summary>
    public IReadOnlyList<string> RecentErrors(int count) =>
        [.. _entries.Where(entry => entry.Category == ErrorCategory).Select(entry => entry.Message).TakeLast(count)];

    public IEnumerable<string> Messages(string category) =>
        _entries.Where(entry => entry.Category == category).Select(entry => entry.Message);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                entries.Enqueue((category, formatter(state, exception)));
            }

            if (logLevel >= LogLevel.Error)
            {
                entries.Enqueue((ErrorCategory, $"{category}: {formatter(state, exception)}{(exception is null ? "" : $"\n{exception}")}"));
            }
        }
    }
}
