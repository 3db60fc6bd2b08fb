using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Moltnet.Faults.Tests.Support;

/// <summary>A real <see cref="ClientWebSocket"/> on <c>/v1/attach</c> of a server process, reading whole JSON frames.</summary>
public sealed class AttachSocket : IAsyncDisposable
{
    public const string Version = "moltnet.attach.v1";
    private readonly ClientWebSocket _ws;

    private AttachSocket(ClientWebSocket ws) => _ws = ws;

    public WebSocket Socket => _ws;

    public static async Task<AttachSocket> ConnectAsync(string baseUrl)
    {
        var ws = new ClientWebSocket();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(new Uri(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/attach"), cts.Token);
        return new AttachSocket(ws);
    }

    /// <summary>Connects, reads HELLO, identifies (optionally with a cursor) and reads READY.</summary>
    public static async Task<AttachSocket> AttachAsync(string baseUrl, string agentId, string? cursor = null)
    {
        var c = await ConnectAsync(baseUrl);
        Assert.Equal("HELLO", (string?)(await c.ReceiveAsync())["op"]);
        await c.SendAsync(Identify(agentId, cursor));
        var ready = await c.NextAsync();
        Assert.True((string?)ready["op"] == "READY", ready.ToJsonString());
        return c;
    }

    public static string Identify(string agentId, string? cursor = null)
    {
        var frame = new JsonObject
        {
            ["op"] = "IDENTIFY",
            ["version"] = Version,
            ["network_id"] = "local",
            ["agent"] = new JsonObject { ["id"] = agentId },
        };
        if (cursor is not null) frame["cursor"] = cursor;
        return frame.ToJsonString();
    }

    public Task SendAsync(string json) => _ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] bytes) => _ws.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    public async Task<JsonObject> ReceiveAsync(TimeSpan? timeout = null) =>
        JsonNode.Parse(await ReceiveTextAsync(timeout) ?? throw new InvalidOperationException($"closed: {_ws.CloseStatus} {_ws.CloseStatusDescription}"))!.AsObject();

    /// <summary>The next frame other than PING (answered with PONG).</summary>
    public async Task<JsonObject> NextAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await ReceiveAsync(timeout);
            if ((string?)f["op"] != "PING") return f;
            await SendAsync("""{"op":"PONG"}""");
        }
    }

    /// <summary>The next EVENT frame's event (skipping pings), failing on any other op.</summary>
    public async Task<JsonObject> NextEventAsync(TimeSpan? timeout = null)
    {
        var f = await NextAsync(timeout);
        Assert.True((string?)f["op"] == "EVENT", f.ToJsonString());
        return f["event"]!.AsObject();
    }

    /// <summary>The next event of <paramref name="type"/>, skipping other events.</summary>
    public async Task<JsonObject> NextEventOfTypeAsync(string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            var e = await NextEventAsync(timeout);
            if ((string?)e["type"] == type) return e;
        }
    }

    /// <summary>Text of the next message, or null when the server closed the socket.</summary>
    public async Task<string?> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        var buffer = new byte[64 * 1024];
        using var ms = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult r;
            try
            {
                r = await _ws.ReceiveAsync(buffer.AsMemory(), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no frame in time");
            }
            if (r.MessageType == WebSocketMessageType.Close) return null;
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) return Encoding.UTF8.GetString(ms.ToArray());
        }
    }

    /// <summary>Reads until the server closes; returns the last ERROR text seen on the way (if any).</summary>
    public async Task<string?> ExpectClosedAsync(TimeSpan? timeout = null)
    {
        string? error = null;
        while (true)
        {
            string? text;
            try
            {
                text = await ReceiveTextAsync(timeout ?? TimeSpan.FromSeconds(15));
            }
            catch (WebSocketException)
            {
                return error;
            }
            if (text is null) return error;
            var f = JsonNode.Parse(text)!;
            if ((string?)f["op"] == "ERROR") error = (string?)f["error"];
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
        }
        catch (Exception)
        {
            // Best effort.
        }
        _ws.Dispose();
    }
}
