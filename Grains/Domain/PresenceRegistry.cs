using System.Collections.Concurrent;

namespace Moltnet.Grains.Domain;

/// <summary>Live attachment counts per local agent id on this replica.</summary>
public sealed class PresenceRegistry : IPresence
{
    private readonly ConcurrentDictionary<string, int> _sessions = new(StringComparer.Ordinal);

    public bool IsConnected(string agentId) => _sessions.TryGetValue(agentId, out var n) && n > 0;

    public void Connected(string agentId) => _sessions.AddOrUpdate(agentId, 1, (_, n) => n + 1);

    public void Disconnected(string agentId) =>
        _sessions.AddOrUpdate(agentId, 0, (_, n) => Math.Max(0, n - 1));

    public int Count => _sessions.Values.Count(n => n > 0);
}
