using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Moltnet.TestSupport;

namespace Moltnet.Cluster.Tests;

/// <summary>An agent attached to one replica over a real WebSocket with <see cref="Replicas.AgentsToken"/>. A reader
/// answers every PING (so the session stays live while the test withholds ACKs) and queues the other frames.</summary>
public sealed class AgentSocket : IAsyncDisposable
{
    private const string Version = "moltnet.attach.v1";
    private readonly ClientWebSocket _ws;
    private readonly Channel<JsonObject> _frames = Channel.CreateUnbounded<JsonObject>();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly Task _reader;

    private AgentSocket(ClientWebSocket ws)
    {
        _ws = ws;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Connects to <paramref name="server"/>, identifies as <paramref name="agentId"/> (resuming after
    /// <paramref name="cursor"/> when given) and waits for READY.</summary>
    public static async Task<AgentSocket> AttachAsync(ServerProcess server, string agentId, string? cursor = null)
    {
        var (socket, ready) = await IdentifyAsync(server, agentId, cursor);
        Assert.True((string?)ready["op"] == "READY", ready.ToJsonString());
        return socket;
    }

    /// <summary>Attaches as <paramref name="agentId"/> expecting a refusal; returns its ERROR frame's text.</summary>
    public static async Task<string> RefusedAsync(ServerProcess server, string agentId)
    {
        var (socket, answer) = await IdentifyAsync(server, agentId);
        await using var _ = socket;
        Assert.True((string?)answer["op"] == "ERROR", answer.ToJsonString());
        return (string)answer["error"]!;
    }

    /// <summary>Connects and identifies; returns the socket and the answer (READY or ERROR).</summary>
    public static async Task<(AgentSocket Socket, JsonObject Answer)> IdentifyAsync(ServerProcess server, string agentId, string? cursor = null)
    {
        var ws = new ClientWebSocket();
        ws.Options.SetRequestHeader("Authorization", "Bearer " + Replicas.AgentsToken);
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            await ws.ConnectAsync(new Uri(server.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/v1/attach"), cts.Token);
        var socket = new AgentSocket(ws);
        Assert.Equal("HELLO", (string?)(await socket.NextAsync())["op"]);
        var identify = new JsonObject
        {
            ["op"] = "IDENTIFY",
            ["version"] = Version,
            ["network_id"] = "local",
            ["agent"] = new JsonObject { ["id"] = agentId },
        };
        if (cursor is not null) identify["cursor"] = cursor;
        await socket.SendAsync(identify);
        return (socket, await socket.NextAsync());
    }

    /// <summary>The next frame other than PING.</summary>
    public async Task<JsonObject> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        return await _frames.Reader.ReadAsync(cts.Token);
    }

    /// <summary>The cursor of the EVENT carrying <c>message.created</c> of <paramref name="messageId"/> (other events skipped).</summary>
    public async Task<string> MessageCursorAsync(string messageId, TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await NextAsync(timeout);
            Assert.True((string?)f["op"] == "EVENT", f.ToJsonString());
            if ((string?)f["event"]!["type"] == "message.created" && (string?)f["event"]!["message"]!["id"] == messageId)
                return (string)f["cursor"]!;
        }
    }

    /// <summary>ACKs <paramref name="cursor"/>, then PINGs and waits for the PONG: the server has handled the ACK (and
    /// appended any wake event it caused) when this returns. Events arriving meanwhile are dropped.</summary>
    public async Task AckAsync(string cursor)
    {
        await SendAsync(new JsonObject { ["op"] = "ACK", ["version"] = Version, ["cursor"] = cursor });
        await SendAsync(new JsonObject { ["op"] = "PING", ["version"] = Version });
        while ((string?)(await NextAsync())["op"] != "PONG")
        {
        }
    }

    private async Task SendAsync(JsonObject frame)
    {
        await _send.WaitAsync();
        try
        {
            await _ws.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        try
        {
            while (true)
            {
                var r = await _ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close) break;
                text.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var frame = JsonNode.Parse(Encoding.UTF8.GetString(text.ToArray()))!.AsObject();
                text.SetLength(0);
                if ((string?)frame["op"] == "PING") await SendAsync(new JsonObject { ["op"] = "PONG", ["version"] = Version });
                else _frames.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cts.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The server may already be gone.
        }
        await _reader.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _ws.Dispose();
        _send.Dispose();
    }
}
