namespace Moltnet.Web.Attach;

/// <summary>Live attachment sessions on this replica, per agent id (spec §4 active-attachment registry). A later session
/// of an agent is admitted only when both it and every live one are authenticated with the same credential key.</summary>
public sealed class AttachmentRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<AttachSession>> _byAgent = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Live (READY) sessions on this replica — for metrics.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Admits <paramref name="session"/> or returns the refusal message.</summary>
    public string? TryAdd(string agentId, AttachSession session)
    {
        lock (_lock)
        {
            if (_byAgent.TryGetValue(agentId, out var live) && live.Count > 0)
            {
                if (session.CredentialKey == Grains.Caller.AnonymousKey || live.Any(s => s.CredentialKey == Grains.Caller.AnonymousKey))
                    return $"agent \"{agentId}\" already has an active attachment; attach with an actor credential to reconnect";
                if (live.Any(s => s.CredentialKey != session.CredentialKey))
                    return $"agent \"{agentId}\" is already attached with different credentials";
            }
            if (live is null) _byAgent[agentId] = live = [];
            live.Add(session);
            _count++;
            return null;
        }
    }

    public void Remove(string agentId, AttachSession session)
    {
        lock (_lock)
        {
            if (!_byAgent.TryGetValue(agentId, out var live) || !live.Remove(session)) return;
            _count--;
            if (live.Count == 0) _byAgent.Remove(agentId);
        }
    }

    /// <summary>The live sessions of an agent (e.g. to close them when its token is revoked).</summary>
    public IReadOnlyList<AttachSession> Sessions(string agentId)
    {
        lock (_lock) return _byAgent.TryGetValue(agentId, out var live) ? [.. live] : [];
    }
}
