using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Moltnet.Web.Tests.Attach;

/// <summary>A real <see cref="ClientWebSocket"/> against the test server, reading whole JSON frames.</summary>
public sealed class AttachClient : IAsyncDisposable
{
    public const string Version = "moltnet.attach.v1";
    private readonly ClientWebSocket _ws;

    private AttachClient(ClientWebSocket ws) => _ws = ws;

    public WebSocket Socket => _ws;

    public static async Task<AttachClient> ConnectAsync(TestServer server, string? token = null, string? origin = null)
    {
        var ws = new ClientWebSocket();
        if (token is not null) ws.Options.SetRequestHeader("Authorization", "Bearer " + token);
        if (origin is not null) ws.Options.SetRequestHeader("Origin", origin);
        ws.Options.CollectHttpResponseDetails = true;
        var uri = new Uri(server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/attach");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ws.ConnectAsync(uri, cts.Token);
        return new AttachClient(ws);
    }

    /// <summary>The HTTP status of a refused upgrade.</summary>
    public static async Task<int> RefusedStatusAsync(TestServer server, string? token = null, string? origin = null)
    {
        using var ws = new ClientWebSocket();
        if (token is not null) ws.Options.SetRequestHeader("Authorization", "Bearer " + token);
        if (origin is not null) ws.Options.SetRequestHeader("Origin", origin);
        ws.Options.CollectHttpResponseDetails = true;
        var uri = new Uri(server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/attach");
        await Assert.ThrowsAsync<WebSocketException>(() => ws.ConnectAsync(uri, CancellationToken.None));
        return (int)ws.HttpStatusCode;
    }

    /// <summary>Connects, reads HELLO, identifies and reads READY.</summary>
    public static async Task<(AttachClient Client, JsonObject Ready)> AttachAsync(TestServer server, string agentId,
        string? token = null, string? cursor = null, string? name = null)
    {
        var c = await ConnectAsync(server, token);
        Assert.Equal("HELLO", (string?)(await c.ReceiveAsync())["op"]);
        await c.SendAsync(Identify(agentId, cursor, name));
        var ready = await c.ReceiveAsync();
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

    /// <summary>The next EVENT frame (skipping pings); null when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<JsonObject?> NextEventAsync(TimeSpan timeout)
    {
        try
        {
            var f = await NextAsync(timeout);
            Assert.True((string?)f["op"] == "EVENT", f.ToJsonString());
            return f;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The next EVENT whose event type is <paramref name="type"/>, skipping others.</summary>
    public async Task<JsonObject> NextEventOfTypeAsync(string type, TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await NextEventAsync(timeout ?? TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"no {type} event");
            if ((string?)f["event"]!["type"] == type) return f;
        }
    }

    /// <summary>Text of the next message, or null when the server closed the socket.</summary>
    public async Task<string?> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
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
                text = await ReceiveTextAsync(timeout ?? TimeSpan.FromSeconds(10));
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
