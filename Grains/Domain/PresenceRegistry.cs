using System.Collections.Concurrent;

namespace Moltnet.Grains.Domain;

/// <summary>Live attachment counts per local agent id on this replica.</summary>
public sealed class PresenceRegistry : IPresence
{
    private readonly ConcurrentDictionary<string, int> _sessions = new(StringComparer.Ordinal);

    public bool IsConnected(string agentId) => _sessions.TryGetValue(agentId, out var n) && n > 0;

    /// <summary>Raised after a count changes, with the agent id and its new session count on this replica (shared
    /// presence publishes it to the cluster).</summary>
    public event Action<string, int>? Changed;

    public void Connected(string agentId) => Changed?.Invoke(agentId, _sessions.AddOrUpdate(agentId, 1, (_, n) => n + 1));

    public void Disconnected(string agentId) =>
        Changed?.Invoke(agentId, _sessions.AddOrUpdate(agentId, 0, (_, n) => Math.Max(0, n - 1)));

    /// <summary>Local agents with live sessions and their counts.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Snapshot() => [.. _sessions.Where(kv => kv.Value > 0)];

    public int Count => _sessions.Values.Count(n => n > 0);
}
