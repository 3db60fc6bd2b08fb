using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moltnet.Configuration;
using Moltnet.TestSupport;
using Moltnet.Web.Attach;

namespace Moltnet.Web.Tests.Attach;

/// <summary>HELLO/IDENTIFY/READY and every frame error of spec §4, against a real server on loopback.</summary>
public sealed class AttachHandshakeTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new MoltnetConfig
    {
        Storage = new StorageSection { Kind = StorageKinds.Memory },
        Server = new ServerSection { ListenAddr = "127.0.0.1:0", DebugEvents = true },
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hello_then_ready_with_exact_frames_and_agent_connected()
    {
        await using var c = await AttachClient.ConnectAsync(_server.Url);
        Assert.Equal("""{"op":"HELLO","version":"moltnet.attach.v1","heartbeat_interval_ms":5000,"capabilities":{}}""", await c.ReceiveTextAsync());
        await c.SendAsync(AttachClient.Identify("alpha", name: "Alpha"));
        var ready = await c.ReceiveAsync();
        var uid = (string)ready["actor_uid"]!;
        Assert.StartsWith("actor_", uid, StringComparison.Ordinal);
        Assert.Equal("""{"op":"READY","version":"moltnet.attach.v1","network_id":"local","agent_id":"alpha","actor_uid":"UID","actor_uri":"molt://local/agents/alpha","capabilities":{}}""",
            ready.ToJsonString().Replace(uid, "UID", StringComparison.Ordinal));
        var connected = await c.NextEventOfTypeAsync("agent.connected");
        Assert.Equal("""{"agent_id":"alpha","network_id":"local","fqid":"molt://local/agents/alpha","name":"Alpha","reason":"attachment_ready"}""",
            connected["event"]!["agent"]!.ToJsonString());
        Assert.Equal((string?)connected["event"]!["id"], (string?)connected["cursor"]);
        Assert.Equal("local", (string?)connected["network_id"]);
        Assert.Equal(AttachClient.Version, (string?)connected["version"]);
        var agents = (await _server.Client.Get("/v1/agents")).Body!["agents"]!.AsArray();
        Assert.True((bool)agents.Single(a => (string?)a!["id"] == "alpha")!["connected"]!);
    }

    public static TheoryData<string, string> BadIdentify => new()
    {
        { """{"op":"PING","version":"moltnet.attach.v1"}""", "expected IDENTIFY frame" },
        { """{"op":"IDENTIFY","network_id":"local","agent":{"id":"alpha"}}""", "attachment IDENTIFY version is required" },
        { """{"op":"IDENTIFY","version":"moltnet.attach.v0","network_id":"local","agent":{"id":"alpha"}}""", "attachment IDENTIFY version \"moltnet.attach.v0\" is not supported" },
        { """{"op":"IDENTIFY","version":"moltnet.attach.v1","network_id":"other","agent":{"id":"alpha"}}""", "attachment network_id \"other\" does not match \"local\"" },
        { """{"op":"IDENTIFY","version":"moltnet.attach.v1","network_id":"local","agent":{}}""", "attachment agent.id is required" },
        { """{"op":"IDENTIFY","version":"moltnet.attach.v1","network_id":"local","agent":{"id":"bad id"}}""", "invalid attachment agent.id \"bad id\"" },
        { """{"op":"IDENTIFY",""", "attachment frame must be valid JSON" },
        { """[1,2]""", "attachment frame must be valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadIdentify))]
    public async Task Bad_identify_gets_error_and_close(string frame, string error)
    {
        await using var c = await AttachClient.ConnectAsync(_server.Url);
        await c.ReceiveAsync();
        await c.SendAsync(frame);
        var expected = new JsonObject { ["op"] = "ERROR", ["version"] = "moltnet.attach.v1", ["capabilities"] = new JsonObject(), ["error"] = error };
        Assert.Equal(expected.ToJsonString(), JsonNode.Parse((await c.ReceiveTextAsync())!)!.ToJsonString());
        Assert.Null(await c.ExpectClosedAsync());
    }

    [Fact]
    public async Task Binary_frame_is_refused()
    {
        await using var c = await AttachClient.ConnectAsync(_server.Url);
        await c.ReceiveAsync();
        await c.SendBinaryAsync([1, 2, 3]);
        Assert.Equal("attachment protocol only accepts text JSON frames", await c.ExpectClosedAsync());
    }

    [Fact]
    public async Task Frame_over_one_mebibyte_is_refused()
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "big");
        await using var _c = c;
        await c.SendAsync($$"""{"op":"PING","version":"moltnet.attach.v1","error":"{{new string('x', 1 << 20)}}"}""");
        Assert.Equal("attachment frame exceeds 1048576 bytes", await c.ExpectClosedAsync());
    }

    [Theory]
    [InlineData("""{"op":"IDENTIFY","version":"moltnet.attach.v1","network_id":"local","agent":{"id":"alpha"}}""", "unexpected frame op \"IDENTIFY\"")]
    [InlineData("""{"op":"READY","version":"moltnet.attach.v1"}""", "unexpected frame op \"READY\"")]
    [InlineData("""{"op":"PING"}""", "attachment PING version is required")]
    [InlineData("""{"op":"PING","version":"v9"}""", "attachment PING version \"v9\" is not supported")]
    [InlineData("""not json""", "attachment frame must be valid JSON")]
    [InlineData("""{"op":"ACK","cursor":"evt_never"}""", "unexpected ACK cursor")]
    public async Task Bad_frames_after_ready_get_error_and_close(string frame, string error)
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await using var _c = c;
        await c.SendAsync(frame);
        Assert.Equal(error, await c.ExpectClosedAsync());
    }

    [Fact]
    public async Task Ping_gets_pong_and_pong_needs_no_version()
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await using var _c = c;
        await c.SendAsync("""{"op":"PONG"}""");
        await c.SendAsync("""{"op":"PING","version":"moltnet.attach.v1"}""");
        while (true)
        {
            var f = await c.ReceiveAsync();
            if ((string?)f["op"] == "PONG")
            {
                Assert.Equal("""{"op":"PONG","version":"moltnet.attach.v1","capabilities":{}}""", f.ToJsonString());
                break;
            }
        }
    }

    [Fact]
    public async Task Client_error_ends_the_session_with_client_error()
    {
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "alpha");
        await using var _c = c;
        await c.NextEventOfTypeAsync("agent.connected");
        await c.SendAsync("""{"op":"ERROR","version":"moltnet.attach.v1","error":"boom"}""");
        Assert.Null(await c.ExpectClosedAsync());
        var e = await AttachTestEvents.WaitForAsync(_server, "agent.disconnected");
        Assert.Equal("client_error", (string?)e["agent"]!["reason"]);
        Assert.Equal("attachment client error: boom", (string?)e["agent"]!["error"]);
    }

    [Fact]
    public async Task Identify_must_arrive_in_time()
    {
        _server.Services.GetRequiredService<AttachOptions>().IdentifyTimeout = TimeSpan.FromMilliseconds(300);
        await using var c = await AttachClient.ConnectAsync(_server.Url);
        await c.ReceiveAsync();
        Assert.Equal("attachment IDENTIFY was not received in time", await c.ExpectClosedAsync());
    }

    [Fact]
    public async Task Server_pings_and_drops_a_silent_client()
    {
        var options = _server.Services.GetRequiredService<AttachOptions>();
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(400);
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "quiet");
        await using var _c = c;
        var started = DateTime.UtcNow;
        var sawPing = false;
        while (await c.ReceiveTextAsync() is { } text) sawPing |= text.Contains("\"op\":\"PING\"", StringComparison.Ordinal);
        Assert.True(sawPing);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(5));
        var e = await AttachTestEvents.WaitForAsync(_server, "agent.disconnected");
        Assert.Equal("read_timeout", (string?)e["agent"]!["reason"]);
    }

    [Fact]
    public async Task Answering_pings_keeps_the_session_alive()
    {
        // Read timeout 2 s (twice the interval), pings every 0.5 s: the session outlives two read timeouts only because
        // the pongs count as reads. A shorter interval made the test depend on the loaded CI machine answering in 0.6 s.
        var options = _server.Services.GetRequiredService<AttachOptions>();
        options.HeartbeatInterval = TimeSpan.FromSeconds(1);
        var (c, _) = await AttachClient.AttachAsync(_server.Url, "lively");
        await using var _c = c;
        var until = DateTime.UtcNow + options.ReadTimeout * 2.25;
        var pongs = 0;
        while (DateTime.UtcNow < until)
        {
            var f = await c.ReceiveAsync();
            if ((string?)f["op"] != "PING") continue;
            await c.SendAsync("""{"op":"PONG"}""");
            pongs++;
        }
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, c.Socket.State);
        Assert.True(pongs >= 3, $"{pongs} pings in {options.ReadTimeout * 2.25}");
    }
}
