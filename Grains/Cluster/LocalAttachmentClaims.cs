namespace Moltnet.Cluster;

/// <summary>Attachment claims of a single process: per agent, its live sessions and their credential keys.</summary>
public sealed class LocalAttachmentClaims : IAttachmentClaims
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, string>> _byAgent = new(StringComparer.Ordinal);

    public Task<string?> TryClaimAsync(string agentId, string sessionId, string credentialKey, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_byAgent.TryGetValue(agentId, out var live)) _byAgent[agentId] = live = new(StringComparer.Ordinal);
            if (AttachmentAdmission.Refusal(agentId, credentialKey, live.Values) is { } refusal)
                return Task.FromResult<string?>(refusal);
            live[sessionId] = credentialKey;
            return Task.FromResult<string?>(null);
        }
    }

    public Task ReleaseAsync(string agentId, string sessionId, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_byAgent.TryGetValue(agentId, out var live) && live.Remove(sessionId) && live.Count == 0) _byAgent.Remove(agentId);
        }
        return Task.CompletedTask;
    }
}
