using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;

namespace Moltnet.AttachBench;

/// <summary>One attachment: identifies, then reads frames, answers PINGs and reports EVENT payloads.</summary>
internal sealed class BenchClient : IAsyncDisposable
{
    private readonly ClientWebSocket _ws = new();
    private Task? _loop;

    public static async Task<BenchClient> AttachAsync(string url, string agentId, Action<ReadOnlyMemory<byte>, long>? onEvent = null)
    {
        var c = new BenchClient();
        await c._ws.ConnectAsync(new Uri(url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/attach"), CancellationToken.None);
        var buffer = new byte[64 * 1024];
        await c.ReadAsync(buffer); // HELLO
        var identify = """{"op":"IDENTIFY","version":"moltnet.attach.v1","network_id":"local","agent":{"id":"AGENT"}}""".Replace("AGENT", agentId, StringComparison.Ordinal);
        await c._ws.SendAsync(Encoding.UTF8.GetBytes(identify), WebSocketMessageType.Text, true, CancellationToken.None);
        var ready = await c.ReadAsync(buffer);
        if (ready.Span.IndexOf("\"READY\""u8) < 0) throw new InvalidOperationException(Encoding.UTF8.GetString(ready.Span));
        c._loop = Task.Run(() => c.LoopAsync(buffer, onEvent));
        return c;
    }

    private async Task<ReadOnlyMemory<byte>> ReadAsync(byte[] buffer)
    {
        var count = 0;
        while (true)
        {
            var r = await _ws.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
            if (r.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed");
            count += r.Count;
            if (r.EndOfMessage) return buffer.AsMemory(0, count);
            if (count == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }
    }

    private static readonly byte[] Pong = Encoding.UTF8.GetBytes("""{"op":"PONG","version":"moltnet.attach.v1"}""");

    private async Task LoopAsync(byte[] buffer, Action<ReadOnlyMemory<byte>, long>? onEvent)
    {
        try
        {
            while (true)
            {
                var frame = await ReadAsync(buffer);
                var now = Stopwatch.GetTimestamp();
                if (frame.Span.IndexOf("\"op\":\"PING\""u8) >= 0)
                    await _ws.SendAsync(Pong, WebSocketMessageType.Text, true, CancellationToken.None);
                else onEvent?.Invoke(frame, now);
            }
        }
        catch (Exception)
        {
            // Closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
        }
        catch (Exception)
        {
            _ws.Abort();
        }
        if (_loop is not null) await Task.WhenAny(_loop, Task.Delay(2000));
        _ws.Dispose();
    }
}
