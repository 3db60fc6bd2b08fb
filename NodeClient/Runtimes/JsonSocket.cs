using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>A client WebSocket speaking text JSON frames with per-operation deadlines (runtime gateways: OpenClaw, PicoClaw).</summary>
public sealed class JsonSocket : IAsyncDisposable
{
    private const int MaxFrameBytes = 4 << 20;
    private readonly ClientWebSocket _ws = new();
    private readonly string _what;

    private JsonSocket(string what) => _what = what;

    public static async Task<JsonSocket> ConnectAsync(string what, Uri uri, Action<ClientWebSocketOptions> configure, TimeSpan timeout, CancellationToken ct)
    {
        var socket = new JsonSocket(what);
        configure(socket._ws.Options);
        using var deadline = Deadline(timeout, ct);
        try
        {
            await socket._ws.ConnectAsync(uri, deadline.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            socket._ws.Dispose();
            throw new InvalidOperationException($"cannot connect to {what} {Daemon.Preflight.Redact(uri.ToString())}: {e.Message}", e);
        }
        return socket;
    }

    public async Task SendAsync(JsonNode frame, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = Deadline(timeout, ct);
        try
        {
            await _ws.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{_what} did not take a frame within {timeout.TotalSeconds:0}s");
        }
    }

    /// <summary>The next JSON object frame; throws when the peer closes or stays silent past <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = Deadline(timeout, ct);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _ws.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    throw new InvalidOperationException($"{_what} closed the connection ({(int?)_ws.CloseStatus} {_ws.CloseStatusDescription})");
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxFrameBytes) throw new InvalidOperationException($"{_what} frame exceeds 4 MiB");
                if (result.EndOfMessage) break;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no frame from {_what} within {timeout.TotalSeconds:0}s");
        }
        try
        {
            return JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length)) as JsonObject
                ?? throw new InvalidOperationException($"{_what} sent a frame that is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{_what} sent invalid JSON: {e.Message}");
        }
    }

    /// <summary>Closes politely (bounded), then releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_ws.State == WebSocketState.Open)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", deadline.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The peer went away; nothing to close.
            }
        }
        _ws.Dispose();
    }

    private static CancellationTokenSource Deadline(TimeSpan timeout, CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        return cts;
    }
}
