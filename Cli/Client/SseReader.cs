namespace Moltnet.Cli.Client;

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string? Id, string Type, string Data);

/// <summary>Parses a <c>text/event-stream</c> body into events (comments skipped, multi-line data joined).</summary>
public static class SseReader
{
    public static async IAsyncEnumerable<SseEvent> ReadAsync(Stream body, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        string? id = null, type = null;
        var data = new List<string>();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0 || type is not null) yield return new SseEvent(id, type ?? "message", string.Join('\n', data));
                id = type = null;
                data.Clear();
                continue;
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data.Add(value); break;
            }
        }
    }
}
