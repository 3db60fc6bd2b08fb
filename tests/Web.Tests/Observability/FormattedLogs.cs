using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Moltnet.Web.Tests.Observability;

/// <summary>
/// Writes every entry with the console formatter the server's console logging would use (same formatter, options and
/// scopes), into memory instead of the process-wide console.
/// </summary>
internal sealed class FormattedLogs(IEnumerable<ConsoleFormatter> formatters, IOptionsMonitor<ConsoleLoggerOptions> options)
    : ILoggerProvider, ISupportExternalScope
{
    private readonly ConsoleFormatter _formatter = formatters.Single(f => f.Name == options.CurrentValue.FormatterName);
    private IExternalScopeProvider? _scopes;

    /// <summary>Each entry exactly as the console would receive it.</summary>
    public ConcurrentQueue<string> Entries { get; } = new();

    /// <summary>Swaps the console provider that <paramref name="configure"/> registers for this capture.</summary>
    public static void Replace(ILoggingBuilder logging, Action<ILoggingBuilder> configure)
    {
        configure(logging);
        var console = logging.Services.Single(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        logging.Services.Remove(console);
        logging.Services.AddSingleton<ILoggerProvider, FormattedLogs>();
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(FormattedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null; // the factory keeps scopes

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var text = new StringWriter();
            owner._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes ?? new LoggerExternalScopeProvider(), text);
            owner.Entries.Enqueue(text.ToString());
        }
    }
}
