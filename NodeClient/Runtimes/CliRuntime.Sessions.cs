using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moltnet.NodeClient.Runtimes;

public sealed partial class CliRuntime
{
    /// <summary>
    /// Claude Code: the first wake of a conversation starts a session with an id chosen here
    /// (<c>--print --session-id &lt;uuid&gt; &lt;prompt&gt;</c>); later wakes resume it (<c>--print --resume &lt;uuid&gt;</c>)
    /// instead of reusing <c>--session-id</c>, which Claude refuses as "already in use". A resume the CLI cannot find
    /// starts a new session once.
    /// </summary>
    private async Task RunClaudeAsync(string key, string prompt, Dictionary<string, string> env, CancellationToken ct)
    {
        if (_sessions.Get(key) is { } existing)
        {
            var resumed = await ExecAsync(["--print", "--resume", existing, prompt], env, null, ct);
            if (resumed.ExitCode == 0) return;
            if (!IsMissingSession(resumed.ErrorText)) throw Failed("claude", resumed);
            _context.Log.Warn("cli", "claude session not found; starting a new one", ("session", key), ("runtime_session", existing));
            _sessions.Remove(key);
        }
        var id = Guid.NewGuid().ToString();
        var started = await ExecAsync(["--print", "--session-id", id, prompt], env, null, ct);
        if (started.ExitCode != 0 && IsInUse(started.ErrorText))
        {
            id = Guid.NewGuid().ToString();
            started = await ExecAsync(["--print", "--session-id", id, prompt], env, null, ct);
        }
        if (started.ExitCode != 0) throw Failed("claude", started);
        _sessions.Set(key, id);
    }

    /// <summary>
    /// Codex: <c>exec --json … -</c> for a new conversation, <c>exec resume --json … &lt;id&gt; -</c> after; the prompt on
    /// stdin. The session id is read from the JSON event stream — never invented: without one, the next wake starts fresh.
    /// </summary>
    private async Task RunCodexAsync(string key, string prompt, Dictionary<string, string> env, CancellationToken ct)
    {
        var lastMessage = Path.Combine(_rt.WorkspacePath, ".moltnet", "codex-last-message.txt");
        string[] common = ["--json", "--skip-git-repo-check", "--output-last-message", lastMessage];
        var existing = _sessions.Get(key);
        var result = await ExecAsync(existing is null ? ["exec", .. common, "-"] : ["exec", "resume", .. common, existing, "-"], env, prompt, ct);
        if (result.ExitCode != 0 && existing is not null && IsMissingSession(result.ErrorText))
        {
            _context.Log.Warn("cli", "codex session not found; starting a new one", ("session", key), ("runtime_session", existing));
            _sessions.Remove(key);
            existing = null;
            result = await ExecAsync(["exec", .. common, "-"], env, prompt, ct);
        }
        if (result.ExitCode != 0) throw Failed("codex", result);
        if (CodexSessionId(result.Stdout) is { } id && id != existing) _sessions.Set(key, id);
        else if (existing is null) _context.Log.Warn("cli", "codex printed no session id; the next wake starts a new session", ("session", key));
    }

    private static bool IsInUse(string error) =>
        error.Contains("session id", StringComparison.OrdinalIgnoreCase) && error.Contains("in use", StringComparison.OrdinalIgnoreCase);

    private static bool IsMissingSession(string error) =>
        (error.Contains("session", StringComparison.OrdinalIgnoreCase) || error.Contains("conversation", StringComparison.OrdinalIgnoreCase))
        && (error.Contains("not found", StringComparison.OrdinalIgnoreCase) || error.Contains("no conversation found", StringComparison.OrdinalIgnoreCase));

    /// <summary>The first <c>thread_id</c>, <c>session_id</c>, <c>sessionId</c>, <c>conversation_id</c> or <c>conversationId</c>
    /// (searched recursively), or the <c>id</c> of an object whose <c>type</c> mentions a session, in the JSON lines.</summary>
    public static string? CodexSessionId(string stdout)
    {
        foreach (var line in stdout.Split('\n'))
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith('{')) continue;
            try
            {
                if (Find(JsonNode.Parse(trimmed)) is { } id) return id;
            }
            catch (JsonException)
            {
                // Not a JSON event line.
            }
        }
        return null;
    }

    private static readonly string[] IdKeys = ["thread_id", "session_id", "sessionId", "conversation_id", "conversationId"];

    private static string? Find(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var k in IdKeys)
                    if (o[k] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0) return s;
                if (o["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type.Contains("session", StringComparison.OrdinalIgnoreCase)
                    && o["id"] is JsonValue idv && idv.TryGetValue<string>(out var id) && id.Length > 0) return id;
                foreach (var (_, child) in o)
                    if (Find(child) is { } found) return found;
                return null;
            case JsonArray a:
                foreach (var child in a)
                    if (Find(child) is { } found) return found;
                return null;
            default:
                return null;
        }
    }
}
