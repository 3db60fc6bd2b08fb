using System.Globalization;
using System.Text.Json.Nodes;
using Moltnet.NodeClient.Daemon;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// <c>openclaw</c> (spec node-and-cli §3): per wake one gateway WebSocket — wait for <c>connect.challenge</c>, answer with
/// a <c>connect</c> request signed by the persistent device key, then <c>chat.send</c> into the conversation's session
/// (<c>agent:main:&lt;context id&gt;</c>). A message wake waits (≤5 min) for the run's <c>chat</c> event: <c>final</c>
/// text is published as the agent's reply, <c>error</c> fails the wake. Bootstrap wakes do not wait. Every other read
/// and write has a 15 s deadline.
/// </summary>
public sealed class OpenClawRuntime(RuntimeContext context) : IRuntimeAdapter
{
    public static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan FinalTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] Scopes = ["operator.admin", "operator.read", "operator.write"];

    private readonly Lazy<OpenClawDevice> _device = new(() => OpenClawDevice.LoadOrCreate(
        OpenClawDevice.PathFor(context.Attachment.Runtime.HomePath, context.StateDirectory, context.Attachment.Runtime.GatewayUrl, context.Attachment.Agent.Id),
        context.Time));

    private string AgentId => context.Attachment.Agent.Id;

    public BootstrapTiming Bootstrap => BootstrapTiming.BeforeAttach;

    public async Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        var reply = await ChatAsync("agent:main:" + wake.ContextId, $"moltnet:{AgentId}:{wake.EventId}", wake.Prompt, waitForFinal: true, ct);
        if (reply is not null) await context.Publisher.PublishAsync(CommandRuntime.ReplyTarget(wake.Message.Target), reply, ct);
        return Task.CompletedTask;
    }

    public Task BootstrapAsync(BootstrapWake wake, CancellationToken ct) =>
        ChatAsync("agent:main:" + wake.ContextId, $"moltnet:{AgentId}:bootstrap:{wake.ContextId}", Prompts.Bootstrap(wake.NetworkId, wake.RoomId), waitForFinal: false, ct);

    /// <summary>One gateway session: connect, <c>chat.send</c>, and (if asked) the final text of the run.</summary>
    private async Task<string?> ChatAsync(string sessionKey, string idempotencyKey, string message, bool waitForFinal, CancellationToken ct)
    {
        var rt = context.Attachment.Runtime;
        var token = rt.Token.Length > 0 ? rt.Token : Environment.GetEnvironmentVariable("OPENCLAW_GATEWAY_TOKEN") ?? "";
        await using var socket = await JsonSocket.ConnectAsync("openclaw gateway", new Uri(rt.GatewayUrl), _ => { }, IoTimeout, ct);
        var nonce = await ChallengeAsync(socket, ct);
        await RequestAsync(socket, "connect", ConnectParams(token, nonce), ct);
        var ack = await RequestAsync(socket, "chat.send", new JsonObject
        {
            ["deliver"] = false,
            ["idempotencyKey"] = idempotencyKey,
            ["message"] = message,
            ["sessionKey"] = sessionKey,
        }, ct);
        if (!waitForFinal) return null;
        var runId = ack?["runId"] is JsonValue r && r.TryGetValue<string>(out var id) && id.Length > 0 ? id : idempotencyKey;
        return await FinalAsync(socket, runId, ct);
    }

    private static async Task<string> ChallengeAsync(JsonSocket socket, CancellationToken ct)
    {
        while (true)
        {
            var frame = await socket.ReceiveAsync(IoTimeout, ct);
            if (Str(frame["type"]) == "event" && Str(frame["event"]) == "connect.challenge")
                return Str(frame["payload"]?["nonce"]) is { Length: > 0 } nonce ? nonce : throw new InvalidOperationException("openclaw connect.challenge without a nonce");
        }
    }

    private JsonObject ConnectParams(string token, string nonce)
    {
        var device = _device.Value;
        var signedAt = context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var payload = string.Join('|', "v3", device.Id, "gateway-client", "backend", "operator", string.Join(',', Scopes),
            signedAt.ToString(CultureInfo.InvariantCulture), token, nonce, "moltnet", "bridge");
        var p = new JsonObject
        {
            ["minProtocol"] = 4,
            ["maxProtocol"] = 4,
            ["client"] = new JsonObject
            {
                ["id"] = "gateway-client",
                ["displayName"] = "moltnet-bridge",
                ["version"] = "moltnet-bridge",
                ["platform"] = "moltnet",
                ["deviceFamily"] = "bridge",
                ["mode"] = "backend",
                ["instanceId"] = "moltnet-bridge-" + AgentId,
            },
            ["role"] = "operator",
            ["scopes"] = new JsonArray(Scopes.Select(s => (JsonNode)s).ToArray()),
        };
        if (token.Length > 0) p["auth"] = new JsonObject { ["token"] = token };
        p["device"] = new JsonObject
        {
            ["id"] = device.Id,
            ["publicKey"] = device.PublicKey,
            ["signature"] = device.Sign(payload),
            ["signedAt"] = signedAt,
            ["nonce"] = nonce,
        };
        return p;
    }

    /// <summary>Sends a request and returns its response's payload; <c>ok:false</c> fails with the gateway's error.</summary>
    private async Task<JsonNode?> RequestAsync(JsonSocket socket, string method, JsonObject parameters, CancellationToken ct)
    {
        var id = $"{(method == "connect" ? "connect" : method.Replace('.', '-'))}-{context.Time.GetUtcNow().Ticks * 100}";
        await socket.SendAsync(new JsonObject { ["type"] = "req", ["id"] = id, ["method"] = method, ["params"] = parameters }, IoTimeout, ct);
        while (true)
        {
            var frame = await socket.ReceiveAsync(IoTimeout, ct);
            if (Str(frame["type"]) != "res" || Str(frame["id"]) != id) continue;
            if (frame["ok"] is JsonValue ok && ok.TryGetValue<bool>(out var success) && success) return frame["payload"];
            var error = frame["error"];
            throw new InvalidOperationException($"openclaw {method} failed: {Str(error?["code"]) ?? "error"}: {Str(error?["message"]) ?? "no message"}");
        }
    }

    /// <summary>Waits for the run's <c>chat</c> event in state <c>final</c> (its text) or <c>error</c> (a failure).</summary>
    private static async Task<string?> FinalAsync(JsonSocket socket, string runId, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(FinalTimeout);
        try
        {
            while (true)
            {
                var frame = await socket.ReceiveAsync(FinalTimeout, deadline.Token);
                if (Str(frame["type"]) != "event" || Str(frame["event"]) != "chat" || frame["payload"] is not JsonObject payload) continue;
                if (Str(payload["runId"]) != runId) continue;
                switch (Str(payload["state"]))
                {
                    case "final":
                        return Text(payload["message"]);
                    case "error":
                        throw new InvalidOperationException($"openclaw run {runId} failed: {Str(payload["errorMessage"]) ?? Str(payload["error"]) ?? "error"}");
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"openclaw run {runId} gave no final answer within {FinalTimeout.TotalMinutes:0} minutes");
        }
    }

    /// <summary><c>message.text</c>, else the text blocks of <c>message.content</c> joined by blank lines.</summary>
    public static string? Text(JsonNode? message)
    {
        if (Str(message?["text"]) is { } text) return text;
        if (message?["content"] is JsonArray blocks)
            return string.Join("\n\n", blocks.OfType<JsonObject>().Where(b => Str(b["type"]) == "text").Select(b => Str(b["text"])).OfType<string>());
        return Str(message?["content"]);
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
