using Microsoft.Extensions.Logging;
using Moltnet.Configuration;

namespace Moltnet.Silo.Hosting;

/// <summary>Console logging in the configured <c>server.log_format</c>, request ids included through scopes.</summary>
internal static class LoggingSetup
{
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    /// <summary>
    /// <c>text</c>: one line per entry, <c>time level: category[event] =&gt; scopes message</c>. <c>json</c>: one JSON
    /// object per line (<c>Timestamp</c>, <c>EventId</c>, <c>LogLevel</c>, <c>Category</c>, <c>Message</c>,
    /// <c>State</c>, <c>Scopes</c>). Both include scopes, so each line of a request carries its <c>RequestId</c>.
    /// ASP.NET Core logs warnings and errors only (as its templates do), and its per-request lines and scope not at
    /// all: they carry Kestrel's connection-based id instead of the <c>X-Request-Id</c>, and Moltnet.Web logs one
    /// request line of its own.
    /// </summary>
    public static ILoggingBuilder AddMoltnetConsole(this ILoggingBuilder logging, string format)
    {
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (format == LogFormats.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = TimestampFormat;
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = TimestampFormat + " ";
            });
        }
        return logging;
    }
}
