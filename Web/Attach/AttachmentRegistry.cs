using Moltnet.Cluster;

namespace Moltnet.Web.Attach;

/// <summary>Live attachment sessions on this replica, per agent id. Admission (spec §4 active-attachment registry: a later
/// session of an agent is admitted only when it and every live one are authenticated with the same credential key) is
/// decided by <see cref="IAttachmentClaims"/>, which sees the sessions on every replica.</summary>
public sealed class AttachmentRegistry(IAttachmentClaims claims)
{
    /// <summary>How long a session's end waits for its claim to be released (the database may be unreachable; the
    /// replica's sweep removes a claim whose release failed).</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<AttachSession>> _byAgent = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Live (READY) sessions on this replica — for metrics.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Admits <paramref name="session"/> or returns the refusal message.</summary>
    public async Task<string?> TryAddAsync(string agentId, AttachSession session, CancellationToken ct)
    {
        if (await claims.TryClaimAsync(agentId, session.Id, session.CredentialKey, ct) is { } refusal) return refusal;
        lock (_lock)
        {
            if (!_byAgent.TryGetValue(agentId, out var live)) _byAgent[agentId] = live = [];
            live.Add(session);
            _count++;
        }
        return null;
    }

    /// <summary>Removes the session and releases its claim; never throws.</summary>
    public async Task RemoveAsync(string agentId, AttachSession session)
    {
        lock (_lock)
        {
            if (!_byAgent.TryGetValue(agentId, out var live) || !live.Remove(session)) return;
            _count--;
            if (live.Count == 0) _byAgent.Remove(agentId);
        }
        try
        {
            using var cts = new CancellationTokenSource(ReleaseTimeout);
            await claims.ReleaseAsync(agentId, session.Id, cts.Token);
        }
        catch (Exception)
        {
            // Left to the sweep (PostgresAttachmentClaims); an in-memory release cannot fail.
        }
    }
}
