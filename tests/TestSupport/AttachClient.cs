using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Moltnet.TestSupport;

/// <summary>A real <see cref="ClientWebSocket"/> on <c>/v1/attach</c> of a server (in-process <c>TestServer</c> or a
/// <c>moltnet start</c> process) at <c>baseUrl</c>, reading whole JSON frames.</summary>
public sealed class AttachClient : IAsyncDisposable
{
    public const string Version = "moltnet.attach.v1";
    private readonly ClientWebSocket _ws;

    private AttachClient(ClientWebSocket ws) => _ws = ws;

    public WebSocket Socket => _ws;

    public static async Task<AttachClient> ConnectAsync(string baseUrl, string? token = null, string? origin = null)
    {
        var ws = NewSocket(token, origin);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(AttachUri(baseUrl), cts.Token);
        return new AttachClient(ws);
    }

    /// <summary>The HTTP status of a refused upgrade.</summary>
    public static async Task<int> RefusedStatusAsync(string baseUrl, string? token = null, string? origin = null)
    {
        using var ws = NewSocket(token, origin);
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(AttachUri(baseUrl), CancellationToken.None));
        return (int)ws.HttpStatusCode;
    }

    private static ClientWebSocket NewSocket(string? token, string? origin)
    {
        var ws = new ClientWebSocket();
        if (token is not null) ws.Options.SetRequestHeader("Authorization", "Bearer " + token);
        if (origin is not null) ws.Options.SetRequestHeader("Origin", origin);
        ws.Options.CollectHttpResponseDetails = true;
        return ws;
    }

    private static Uri AttachUri(string baseUrl) => new(baseUrl.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/attach");

    /// <summary>Connects, reads HELLO, identifies (optionally with a cursor) and reads READY.</summary>
    public static async Task<(AttachClient Client, JsonObject Ready)> AttachAsync(string baseUrl, string agentId,
        string? token = null, string? cursor = null, string? name = null)
    {
        var c = await ConnectAsync(baseUrl, token);
        Assert.Equal("HELLO", (string?)(await c.ReceiveAsync())["op"]);
        await c.SendAsync(Identify(agentId, cursor, name));
        var ready = await c.NextAsync();
        Assert.True((string?)ready["op"] == "READY", ready.ToJsonString());
        return (c, ready);
    }

    public static string Identify(string agentId, string? cursor = null, string? name = null, string network = "local")
    {
        var frame = new JsonObject
        {
            ["op"] = "IDENTIFY",
            ["version"] = Version,
            ["network_id"] = network,
            ["agent"] = name is null ? new JsonObject { ["id"] = agentId } : new JsonObject { ["id"] = agentId, ["name"] = name },
        };
        if (cursor is not null) frame["cursor"] = cursor;
        return frame.ToJsonString();
    }

    public Task SendAsync(string json) => _ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] bytes) => _ws.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task AckAsync(string cursor) => SendAsync($$"""{"op":"ACK","cursor":"{{cursor}}"}""");

    /// <summary>The next text frame as JSON; throws when the socket closes first.</summary>
    public async Task<JsonObject> ReceiveAsync(TimeSpan? timeout = null) =>
        JsonNode.Parse(await ReceiveTextAsync(timeout) ?? throw new InvalidOperationException($"closed: {_ws.CloseStatus} {_ws.CloseStatusDescription}"))!.AsObject();

    /// <summary>The next frame other than PING (answered with PONG).</summary>
    public async Task<JsonObject> NextAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await ReceiveAsync(timeout);
            if ((string?)f["op"] == "PING")
            {
                await SendAsync("""{"op":"PONG"}""");
                continue;
            }
            return f;
        }
    }

    /// <summary>The next EVENT frame (<c>op</c>, <c>cursor</c>, <c>event</c>), skipping pings and failing on any other
    /// op; <see cref="TimeoutException"/> when none arrives in time.</summary>
    public async Task<JsonObject> NextEventFrameAsync(TimeSpan? timeout = null)
    {
        var f = await NextAsync(timeout);
        Assert.True((string?)f["op"] == "EVENT", f.ToJsonString());
        return f;
    }

    /// <summary>The event of the next EVENT frame (see <see cref="NextEventFrameAsync"/>).</summary>
    public async Task<JsonObject> NextEventAsync(TimeSpan? timeout = null) => (await NextEventFrameAsync(timeout))["event"]!.AsObject();

    /// <summary>The next EVENT frame whose event type is <paramref name="type"/>, skipping others.</summary>
    public async Task<JsonObject> NextEventOfTypeAsync(string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await NextEventFrameAsync(timeout);
            if ((string?)f["event"]!["type"] == type) return f;
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

    /// <summary>Reads until the server closes; returns the ERROR text seen on the way (if any).</summary>
    public async Task<string?> ExpectClosedAsync(TimeSpan? timeout = null)
    {
        string? error = null;
        while (true)
        {
            string? text;
            try
            {
                text = await ReceiveTextAsync(timeout);
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
