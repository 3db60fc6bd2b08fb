using System.Text.Json.Nodes;
using Moltnet.NodeClient.Daemon;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// <c>picoclaw</c> events mode (spec node-and-cli §3): per wake dial <c>events_url?session_id=&lt;key&gt;&amp;token=&lt;tok&gt;</c>
/// (subprotocol <c>token.&lt;tok&gt;</c>, Bearer <c>&lt;tok&gt;</c>), write one <c>message.send</c> frame, give the gateway a
/// second, close. Fire and forget: the agent replies with the skill. Session key <c>agent:&lt;agent&gt;:&lt;net&gt;:room:&lt;id&gt;</c>.
/// </summary>
public sealed class PicoClawEventsRuntime(RuntimeContext context) : IRuntimeAdapter
{
    /// <summary>The token PicoClaw's pico channel expects when none is configured.</summary>
    public const string DefaultToken = "spawnfile-internal-pico";

    public static readonly TimeSpan IoTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(1);

    public BootstrapTiming Bootstrap => BootstrapTiming.BeforeAttach;

    public async Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        await SendAsync(PicoClawKeys.SessionKey(context.Attachment.Agent.Id, wake.ContextId), wake.Prompt, ct);
        return Task.CompletedTask;
    }

    public Task BootstrapAsync(BootstrapWake wake, CancellationToken ct) =>
        SendAsync(PicoClawKeys.SessionKey(context.Attachment.Agent.Id, wake.ContextId), Prompts.Bootstrap(wake.NetworkId, wake.RoomId), ct);

    private async Task SendAsync(string sessionKey, string prompt, CancellationToken ct)
    {
        var rt = context.Attachment.Runtime;
        var token = rt.Token.Length > 0 ? rt.Token : DefaultToken;
        var uri = new UriBuilder(rt.EventsUrl);
        var query = $"session_id={Uri.EscapeDataString(sessionKey)}&token={Uri.EscapeDataString(token)}";
        uri.Query = uri.Query.TrimStart('?') is { Length: > 0 } existing ? existing + "&" + query : query;
        await using var socket = await JsonSocket.ConnectAsync("picoclaw events", uri.Uri, o =>
        {
            o.AddSubProtocol("token." + token);
            o.SetRequestHeader("Authorization", "Bearer " + token);
        }, IoTimeout, ct);
        await socket.SendAsync(new JsonObject
        {
            ["type"] = "message.send",
            ["session_id"] = sessionKey,
            ["payload"] = new JsonObject { ["content"] = prompt },
        }, IoTimeout, ct);
        await Task.Delay(Linger, context.Time, ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>PicoClaw's conversation keys (spec node-and-cli §2.7).</summary>
public static class PicoClawKeys
{
    /// <summary><c>agent:&lt;agent&gt;:&lt;net&gt;:room:&lt;id&gt;</c>: the context id without <c>moltnet:</c>, under the agent.</summary>
    public static string SessionKey(string agentId, string contextId) => $"agent:{agentId}:{contextId["moltnet:".Length..]}";

    /// <summary>The session transcript PicoClaw keeps: <c>&lt;home&gt;/workspace/sessions/&lt;key, : / \ → _&gt;.jsonl</c>.</summary>
    public static string SessionFile(string home, string sessionKey) =>
        Path.Combine(home, "workspace", "sessions", sessionKey.Replace(':', '_').Replace('/', '_').Replace('\\', '_') + ".jsonl");
}
