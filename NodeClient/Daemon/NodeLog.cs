using System.Globalization;
using System.Text;

namespace Moltnet.NodeClient.Daemon;

/// <summary>
/// The node's log: one <c>time=… level=… component=… msg="…" key=value…</c> line per entry on stderr (spec
/// node-and-cli §2.1). Thread-safe; values with spaces or quotes are quoted.
/// </summary>
public sealed class NodeLog(TextWriter output, TimeProvider? time = null)
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public void Info(string component, string message, params (string Key, object? Value)[] fields) => Write("info", component, message, fields);

    public void Warn(string component, string message, params (string Key, object? Value)[] fields) => Write("warn", component, message, fields);

    public void Error(string component, string message, params (string Key, object? Value)[] fields) => Write("error", component, message, fields);

    private void Write(string level, string component, string message, (string Key, object? Value)[] fields)
    {
        var line = new StringBuilder();
        line.Append("time=").Append(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        line.Append(" level=").Append(level).Append(" component=").Append(component).Append(" msg=").Append(Quote(message));
        foreach (var (key, value) in fields)
            if (value is not null) line.Append(' ').Append(key).Append('=').Append(Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
        lock (_lock)
        {
            output.WriteLine(line.ToString());
            output.Flush();
        }
    }

    private static string Quote(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '=')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
