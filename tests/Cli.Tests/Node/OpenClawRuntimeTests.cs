using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Moltnet.TestSupport;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Moltnet.Cli.Tests.Node;

/// <summary><c>openclaw</c> against a fake gateway (a real WebSocket server) that speaks the challenge / connect /
/// chat.send protocol and answers each message run with a final <c>chat</c> event.</summary>
public sealed class OpenClawRuntimeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>What one gateway connection saw: the challenge nonce, the connect params and the chat.send params.</summary>
    private sealed record Session(string Nonce, JsonObject Connect, JsonObject Chat);

    /// <summary>With <paramref name="error"/>, every message run ends in a <c>chat</c> event of state <c>error</c>.</summary>
    private static FakeWebSocketServer Gateway(Channel<Session> sessions, string? error = null) => new(async c =>
    {
        var nonce = Guid.NewGuid().ToString("N");
        await c.SendAsync(new JsonObject { ["type"] = "event", ["event"] = "tick", ["payload"] = new JsonObject() });
        await c.SendAsync(new JsonObject { ["type"] = "event", ["event"] = "connect.challenge", ["payload"] = new JsonObject { ["nonce"] = nonce } });
        var connect = (await c.ReceiveAsync())!;
        Assert.Equal("req", connect["type"]!.GetValue<string>());
        Assert.Equal("connect", connect["method"]!.GetValue<string>());
        Assert.StartsWith("connect-", connect["id"]!.GetValue<string>());
        await c.SendAsync(new JsonObject { ["type"] = "res", ["id"] = connect["id"]!.GetValue<string>(), ["ok"] = true, ["payload"] = new JsonObject { ["type"] = "hello-ok" } });
        var chat = (await c.ReceiveAsync())!;
        Assert.Equal("chat.send", chat["method"]!.GetValue<string>());
        var p = chat["params"]!.AsObject();
        var run = "run-" + Guid.NewGuid().ToString("N")[..8];
        await c.SendAsync(new JsonObject { ["type"] = "res", ["id"] = chat["id"]!.GetValue<string>(), ["ok"] = true, ["payload"] = new JsonObject { ["runId"] = run, ["status"] = "started" } });
        await sessions.Writer.WriteAsync(new Session(nonce, connect["params"]!.AsObject(), p));
        if (p["idempotencyKey"]!.GetValue<string>().Contains(":bootstrap:", StringComparison.Ordinal)) return;
        JsonObject Chat(string runId, string state, JsonNode? message) => new()
        {
            ["type"] = "event",
            ["event"] = "chat",
            ["payload"] = new JsonObject { ["runId"] = runId, ["sessionKey"] = p["sessionKey"]!.GetValue<string>(), ["state"] = state, ["message"] = message },
        };
        if (error is not null)
        {
            var failed = Chat(run, "error", null);
            failed["payload"]!["errorMessage"] = error;
            await c.SendAsync(failed);
            await c.ReceiveAsync();
            return;
        }
        await c.SendAsync(Chat("someone-else", "final", new JsonObject { ["text"] = "not this run" }));
        await c.SendAsync(Chat(run, "delta", new JsonObject { ["text"] = "thinking" }));
        await c.SendAsync(Chat(run, "final", new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "openclaw says hi" },
                new JsonObject { ["type"] = "thinking", ["thinking"] = "hidden" },
                new JsonObject { ["type"] = "text", ["text"] = "to " + p["message"]!.GetValue<string>().Split("Name: ")[1].Split('\n')[0] }),
        }));
        await c.ReceiveAsync();
    });

    /// <summary>Checks the device signature exactly as the gateway does and returns the device id.</summary>
    private static string VerifyDevice(Session s, string token)
    {
        var device = s.Connect["device"]!.AsObject();
        var raw = Convert.FromBase64String(Pad(device["publicKey"]!.GetValue<string>()));
        var id = device["id"]!.GetValue<string>();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(raw)), id);
        Assert.Equal(s.Nonce, device["nonce"]!.GetValue<string>());
        var signedAt = device["signedAt"]!.GetValue<long>();
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - signedAt, 0, 120_000);
        var payload = $"v3|{id}|gateway-client|backend|operator|operator.admin,operator.read,operator.write|{signedAt}|{token}|{s.Nonce}|moltnet|bridge";
        var signature = device["signature"]!.GetValue<string>();
        Assert.DoesNotContain("=", signature);
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(raw));
        var bytes = Encoding.UTF8.GetBytes(payload);
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        Assert.True(verifier.VerifySignature(Convert.FromBase64String(Pad(signature))), "device signature does not verify");
        return id;
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }

    [Fact]
    public async Task Bootstrap_then_a_message_wake_go_through_signed_gateway_sessions_and_the_final_text_is_published()
    {
        await using var h = await NodeHarness.StartAsync();
        var sessions = Channel.CreateUnbounded<Session>();
        await using var gateway = Gateway(sessions);
        h.WriteNodeConfig(h.Attachment("alpha", $"{{ kind: openclaw, gateway_url: {gateway.Url}, token: gw-secret }}", wake: "all"));
        var node = h.StartNode();

        using var timeout = new CancellationTokenSource(Wait);
        var boot = await sessions.Reader.ReadAsync(timeout.Token);
        Assert.Equal("""{"deliver":false,"idempotencyKey":"moltnet:alpha:bootstrap:moltnet:local:room:research","message":"Channel: moltnet\nChat ID: local:room:research\n\nThis Moltnet conversation is now attached to you; use the moltnet skill to read it and to speak in it.\n","sessionKey":"agent:main:moltnet:local:room:research"}""",
            boot.Chat.ToJsonString());
        var connect = boot.Connect;
        Assert.Equal(4, connect["minProtocol"]!.GetValue<int>());
        Assert.Equal(4, connect["maxProtocol"]!.GetValue<int>());
        Assert.Equal("""{"id":"gateway-client","displayName":"moltnet-bridge","version":"moltnet-bridge","platform":"moltnet","deviceFamily":"bridge","mode":"backend","instanceId":"moltnet-bridge-alpha"}""",
            connect["client"]!.ToJsonString());
        Assert.Equal("operator", connect["role"]!.GetValue<string>());
        Assert.Equal("""["operator.admin","operator.read","operator.write"]""", connect["scopes"]!.ToJsonString());
        Assert.Equal("""{"token":"gw-secret"}""", connect["auth"]!.ToJsonString());
        var deviceId = VerifyDevice(boot, "gw-secret");

        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");
        var id = await h.SendAsync("hello openclaw");
        var created = await h.NextEventAsync("message.created", e => e["message"]!["id"]!.GetValue<string>() == id);
        var wake = await sessions.Reader.ReadAsync(timeout.Token);
        Assert.Equal($"moltnet:alpha:{created["id"]!.GetValue<string>()}", wake.Chat["idempotencyKey"]!.GetValue<string>());
        Assert.Equal("agent:main:moltnet:local:room:research", wake.Chat["sessionKey"]!.GetValue<string>());
        Assert.False(wake.Chat["deliver"]!.GetValue<bool>());
        Assert.Contains($"Message ID: {id}\n\nMessage:\nhello openclaw\n", wake.Chat["message"]!.GetValue<string>());
        Assert.Equal(deviceId, VerifyDevice(wake, "gw-secret"));

        var reply = await h.NextMessageFromAsync("alpha");
        Assert.Equal("openclaw says hi\n\nto Carol", NodeHarness.Text(reply));
        Assert.Equal("research", reply["message"]!["target"]!["room_id"]!.GetValue<string>());

        // The device key persists in the node's state directory, private, and is the one that signed.
        var keyFile = h.Dir.Combine("node", ".moltnet", "node", "openclaw", "alpha.json");
        Assert.Equal(TempDirectory.Private, TempDirectory.ModeOf(keyFile));
        var key = JsonNode.Parse(File.ReadAllText(keyFile))!;
        Assert.Equal(1, key["version"]!.GetValue<int>());
        Assert.Equal(deviceId, key["device_id"]!.GetValue<string>());
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", key["private_key_pem"]!.GetValue<string>());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key["public_key_pem"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_run_ending_in_error_fails_the_wake_which_the_server_records_after_three_tries()
    {
        await using var h = await NodeHarness.StartAsync();
        var sessions = Channel.CreateUnbounded<Session>();
        await using var gateway = Gateway(sessions, error: "model overloaded");
        h.WriteNodeConfig(h.Attachment("alpha", $"{{ kind: openclaw, gateway_url: {gateway.Url} }}"));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");

        var id = await h.SendAsync("@alpha please fail");
        var failed = await h.NextEventAsync("agent.wake.failed", e => e["agent"]?["message_id"]?.GetValue<string>() == id);
        Assert.Contains("failed after 3 attempts: openclaw run run-", failed["agent"]!["error"]!.GetValue<string>());
        Assert.EndsWith("failed: model overloaded", failed["agent"]!["error"]!.GetValue<string>());

        // No bootstrap for a mentions room, no token: three connects without auth, all for this message.
        for (var i = 0; i < 3; i++)
        {
            var s = sessions.Reader.TryRead(out var session) ? session : throw new InvalidOperationException($"only {i} gateway sessions");
            Assert.Null(s.Connect["auth"]);
            VerifyDevice(s, "");
            Assert.Contains($"Message ID: {id}\n", s.Chat["message"]!.GetValue<string>());
        }
        Assert.False(sessions.Reader.TryRead(out _));
    }
}
