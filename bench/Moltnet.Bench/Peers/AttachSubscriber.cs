using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Moltnet.Bench.Peers;

/// <summary>A native attachment (<c>GET /v1/attach</c>) as agent <c>att-&lt;index&gt;</c>: HELLO, IDENTIFY, READY, then
/// every EVENT frame whose message id carries the run's prefix is recorded; PINGs are answered.</summary>
internal sealed class AttachSubscriber : Subscriber
{
    private static readonly byte[] Pong = """{"op":"PONG","version":"moltnet.attach.v1"}"""u8.ToArray();
    private readonly ClientWebSocket _ws;
    private readonly HttpMessageInvoker _invoker;
    private readonly byte[] _needle;
    private readonly CancellationTokenSource _cts = new();
    private Task _pump = Task.CompletedTask;
    private byte[] _buffer = new byte[4096];
    private DeliveryLog _log = new();
    private string? _closedEarly;

    private AttachSubscriber(ClientWebSocket ws, HttpMessageInvoker invoker, string idPrefix)
    {
        _ws = ws;
        _invoker = invoker;
        _needle = Encoding.UTF8.GetBytes($"\"id\":\"{idPrefix}");
    }

    public override DeliveryLog Log { get => Volatile.Read(ref _log); set => Volatile.Write(ref _log, value); }
    public override string? ClosedEarly => _closedEarly;

    public static string AgentId(int index) => $"att-{index}";

    public static async Task<AttachSubscriber> ConnectAsync(string url, IPAddress source, int index, string idPrefix, CancellationToken ct)
    {
        var ws = new ClientWebSocket();
        var invoker = new HttpMessageInvoker(LoopbackSources.Handler(source, 1));
        var s = new AttachSubscriber(ws, invoker, idPrefix);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            await ws.ConnectAsync(new Uri(url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/attach"), invoker, timeout.Token);
            await s.ReadFrameAsync(timeout.Token); // HELLO
            var identify = $$$"""{"op":"IDENTIFY","version":"moltnet.attach.v1","network_id":"local","agent":{"id":"{{{AgentId(index)}}}"}}""";
            await ws.SendAsync(Encoding.UTF8.GetBytes(identify), WebSocketMessageType.Text, true, timeout.Token);
            var ready = await s.ReadFrameAsync(timeout.Token);
            if (s._buffer.AsSpan(0, ready).IndexOf("\"READY\""u8) < 0)
                throw new InvalidOperationException($"attach: expected READY, got {Encoding.UTF8.GetString(s._buffer, 0, Math.Min(ready, 300))}");
        }
        catch
        {
            ws.Dispose();
            invoker.Dispose();
            throw;
        }
        s._pump = Task.Run(() => s.PumpAsync(s._cts.Token), CancellationToken.None);
        return s;
    }

    /// <summary>Reads one whole text frame into the buffer; returns its length.</summary>
    private async Task<int> ReadFrameAsync(CancellationToken ct)
    {
        var count = 0;
        while (true)
        {
            if (count == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
            var r = await _ws.ReceiveAsync(_buffer.AsMemory(count), ct);
            if (r.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by the server");
            count += r.Count;
            if (r.EndOfMessage) return count;
        }
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var n = await ReadFrameAsync(ct);
                var now = Stopwatch.GetTimestamp();
                if (Handle(n, now)) await _ws.SendAsync(Pong, WebSocketMessageType.Text, true, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException)
        {
            if (!ct.IsCancellationRequested) _closedEarly = e.Message;
        }
    }

    /// <summary>Records a message frame; returns true when the frame is a PING.</summary>
    private bool Handle(int length, long now)
    {
        var frame = _buffer.AsSpan(0, length);
        var at = frame.IndexOf(_needle);
        if (at >= 0 && Utf8Parser.TryParse(frame[(at + _needle.Length)..], out long seq, out _))
        {
            Log.Record(seq, now);
            return false;
        }
        return frame.IndexOf("\"op\":\"PING\""u8) >= 0;
    }

    public override async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _ws.Abort();
        try { await _pump; } catch (OperationCanceledException) { }
        _ws.Dispose();
        _invoker.Dispose();
        _cts.Dispose();
    }
}
