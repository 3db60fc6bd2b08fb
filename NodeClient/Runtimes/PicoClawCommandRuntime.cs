using System.Text.Json;
using System.Text.Json.Nodes;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// <c>picoclaw</c> command mode (spec node-and-cli §3): per wake run <c>&lt;command&gt; agent --session &lt;key&gt; --message
/// &lt;prompt&gt;</c> (2 min; <c>PICOCLAW_CONFIG</c>, and with <c>home_path</c> <c>HOME</c>, <c>PICOCLAW_HOME</c> and
/// <c>CODEX_HOME</c>), then publish the <c>message</c> tool calls the run appended to the session transcript. No
/// bootstrap wakes.
/// </summary>
public sealed class PicoClawCommandRuntime(RuntimeContext context) : IRuntimeAdapter
{
    public static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    public async Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        var rt = context.Attachment.Runtime;
        var key = PicoClawKeys.SessionKey(context.Attachment.Agent.Id, wake.ContextId);
        var home = rt.HomePath.Length > 0 ? rt.HomePath : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".picoclaw");
        var transcript = PicoClawKeys.SessionFile(home, key);
        var offset = File.Exists(transcript) ? new FileInfo(transcript).Length : 0;
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["PICOCLAW_CONFIG"] = rt.ConfigPath };
        if (rt.HomePath.Length > 0)
        {
            env["HOME"] = rt.HomePath;
            env["PICOCLAW_HOME"] = rt.HomePath;
            env["CODEX_HOME"] = Path.Combine(rt.HomePath, ".codex");
        }
        var workspace = rt.WorkspacePath.Length > 0 ? rt.WorkspacePath : null;
        var result = await ProcessRunner.RunAsync(rt.Command, ["agent", "--session", key, "--message", wake.Prompt], workspace, env, null, RunTimeout, ct);
        if (result.ExitCode != 0) throw new InvalidOperationException($"picoclaw exited with {result.ExitCode}: {result.ErrorText}");
        var skipped = (string? chatId) => context.Log.Warn("picoclaw", "message tool call to a chat outside this conversation skipped",
            ("agent", context.Attachment.Agent.Id), ("chat_id", chatId));
        foreach (var (target, text) in MessageCalls(ReadAppended(transcript, offset), wake, skipped))
            await context.Publisher.PublishAsync(target, text, ct);
        return Task.CompletedTask;
    }

    private static IEnumerable<string> ReadAppended(string path, long offset)
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length < offset) offset = 0; // rewritten (e.g. compacted): read it all
        stream.Seek(offset, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// The <c>message</c> tool calls (<c>{channel, chat_id, content}</c>) in transcript lines that go to Moltnet: channel
    /// empty or <c>moltnet</c>; chat id <c>[&lt;net&gt;:]room:&lt;id&gt;</c> → that room, <c>[&lt;net&gt;:]dm:&lt;id&gt;</c> only
    /// when it is the current DM, empty → the current conversation. Everything else is skipped.
    /// </summary>
    public static IEnumerable<(Target Target, string Text)> MessageCalls(IEnumerable<string> lines, Wake wake, Action<string?> skipped)
    {
        foreach (var line in lines)
        {
            JsonNode? entry;
            try
            {
                entry = JsonNode.Parse(line);
            }
            catch (JsonException)
            {
                continue;
            }
            var calls = entry?["tool_calls"] as JsonArray ?? entry?["message"]?["tool_calls"] as JsonArray;
            if (calls is null) continue;
            foreach (var call in calls.OfType<JsonObject>())
            {
                var fn = call["function"] as JsonObject ?? call;
                if (Str(fn["name"]) != "message" || Args(fn["arguments"] ?? fn["args"]) is not { } args) continue;
                var channel = Str(args["channel"]) ?? "";
                var content = Str(args["content"]) ?? "";
                if (channel is not ("" or "moltnet") || content.Trim().Length == 0) continue;
                if (Resolve(Str(args["chat_id"]) ?? "", wake) is { } target) yield return (target, content);
                else skipped(Str(args["chat_id"]));
            }
        }
    }

    private static Target? Resolve(string chatId, Wake wake)
    {
        if (chatId.Length == 0) return CommandRuntime.ReplyTarget(wake.Message.Target);
        var id = chatId.StartsWith(wake.NetworkId + ":", StringComparison.Ordinal) ? chatId[(wake.NetworkId.Length + 1)..] : chatId;
        if (id.StartsWith("room:", StringComparison.Ordinal) && id.Length > 5) return new Target { Kind = TargetKind.Room, RoomId = id[5..] };
        var current = wake.Message.Target;
        if (id.StartsWith("dm:", StringComparison.Ordinal) && current.Kind == TargetKind.Dm && current.DmId == id[3..])
            return CommandRuntime.ReplyTarget(current);
        return null;
    }

    /// <summary>Tool arguments as an object, or a JSON string holding one.</summary>
    private static JsonObject? Args(JsonNode? node)
    {
        if (node is JsonObject o) return o;
        if (Str(node) is not { } text) return null;
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
