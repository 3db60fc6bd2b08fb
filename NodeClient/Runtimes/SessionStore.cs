using Moltnet.NodeClient.Daemon;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>The CLI runtimes' session map (<c>moltnet.cli-sessions.v1</c>): session key → the runtime's own session id.</summary>
public sealed class SessionStore(string path, TimeProvider time)
{
    private readonly Lock _lock = new();

    public string? Get(string key)
    {
        lock (_lock) return Load().Sessions.TryGetValue(key, out var e) ? e.RuntimeSessionId : null;
    }

    public void Set(string key, string sessionId)
    {
        lock (_lock)
        {
            var file = Load();
            var now = time.GetUtcNow();
            file.Sessions[key] = file.Sessions.TryGetValue(key, out var old)
                ? old with { RuntimeSessionId = sessionId, UpdatedAt = now }
                : new SessionEntry(sessionId, now, now);
            StateFiles.WritePrivate(path, NodeJsonContext.Serialize(file));
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            var file = Load();
            if (file.Sessions.Remove(key)) StateFiles.WritePrivate(path, NodeJsonContext.Serialize(file));
        }
    }

    private SessionStoreFile Load()
    {
        if (StateFiles.ReadOrNull(path) is not { } text) return new SessionStoreFile();
        try
        {
            var file = NodeJsonContext.Deserialize<SessionStoreFile>(text);
            return file is null ? new SessionStoreFile() : file with { Sessions = new Dictionary<string, SessionEntry>(file.Sessions, StringComparer.Ordinal) };
        }
        catch (System.Text.Json.JsonException)
        {
            return new SessionStoreFile();
        }
    }
}
