using System.Text;
using System.Threading.Channels;

namespace Moltnet.TestSupport;

/// <summary>One server-sent event frame as received.</summary>
public sealed record SseFrame(string? Id, string? Event, string? Data, string? Comment);

/// <summary>A real SSE client over HTTP: reads frames in the background into a channel.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Channel<SseFrame> _frames = Channel.CreateUnbounded<SseFrame>();
    private readonly HttpResponseMessage _response;
    private readonly Task _pump;

    private SseClient(HttpResponseMessage response)
    {
        _response = response;
        _pump = Task.Run(() => PumpAsync(_cts.Token));
    }

    public int Status => (int)_response.StatusCode;

    /// <summary>A response header's value, or null.</summary>
    public string? Header(string name) => _response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    /// <summary>Completes when the server ended the stream (all frames before the end stay readable).</summary>
    public Task Ended => _pump;

    public static async Task<SseClient> ConnectAsync(HttpClient http, string path = "/v1/events/stream", string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new SseClient(response);
    }

    /// <summary>The next frame that is an event (comments skipped), or throws after <paramref name="timeout"/>.</summary>
    public async Task<SseFrame> NextEventAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var frame = await _frames.Reader.ReadAsync(cts.Token);
            if (frame.Event is not null) return frame;
        }
    }

    /// <summary>The next frame of any kind, comments included.</summary>
    public async Task<SseFrame> NextFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        return await _frames.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Collects events until <paramref name="count"/> matching ones arrived.</summary>
    public async Task<List<SseFrame>> CollectAsync(int count, Func<SseFrame, bool>? match = null, TimeSpan? timeout = null)
    {
        var list = new List<SseFrame>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (list.Count < count)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"got {list.Count} of {count} events");
            var f = await NextEventAsync(left);
            if (match is null || match(f)) list.Add(f);
        }
        return list;
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        try
        {
            await using var stream = await _response.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string? id = null, ev = null, comment = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0)
                {
                    if (id is not null || ev is not null || data.Length > 0 || comment is not null)
                        await _frames.Writer.WriteAsync(new SseFrame(id, ev, data.Length > 0 ? data.ToString() : null, comment), ct);
                    id = ev = comment = null;
                    data.Clear();
                }
                else if (line.StartsWith(':')) comment = line[1..].Trim();
                else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
                else if (line.StartsWith("event: ", StringComparison.Ordinal)) ev = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal)) data.Append(line[6..]);
            }
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        catch (HttpRequestException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _response.Dispose();
        try { await _pump; } catch (OperationCanceledException) { }
        _cts.Dispose();
    }
}
