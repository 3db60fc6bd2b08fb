using Moltnet.Grains;

namespace Moltnet.Cluster;

/// <summary>The active-attachment registry across the whole network (spec §4): which attachment sessions of an agent are
/// live, and with which credential key, on this replica and on every other. A later session of an agent is admitted only
/// when it and every live one are authenticated with the same credential key (<see cref="AttachmentAdmission"/>). With one
/// process the claims live in memory; with PostgreSQL they are rows every replica checks, so an agent attached on one
/// replica is refused on another exactly as it would be on the same one.</summary>
public interface IAttachmentClaims
{
    /// <summary>Admits session <paramref name="sessionId"/> (unique within this process) of <paramref name="agentId"/>,
    /// authenticated with <paramref name="credentialKey"/>, and returns null; or returns the refusal, admitting nothing.</summary>
    Task<string?> TryClaimAsync(string agentId, string sessionId, string credentialKey, CancellationToken ct);

    /// <summary>Ends the session's claim (a no-op when it holds none).</summary>
    Task ReleaseAsync(string agentId, string sessionId, CancellationToken ct);
}

/// <summary>The admission rule of the active-attachment registry, and its refusals as the wire spells them.</summary>
public static class AttachmentAdmission
{
    /// <summary>Null when a session with <paramref name="credentialKey"/> may join the live sessions of
    /// <paramref name="agentId"/>, authenticated with <paramref name="liveKeys"/>; otherwise the refusal.</summary>
    public static string? Refusal(string agentId, string credentialKey, IReadOnlyCollection<string> liveKeys)
    {
        if (liveKeys.Count == 0) return null;
        if (credentialKey == Caller.AnonymousKey || liveKeys.Contains(Caller.AnonymousKey))
            return $"agent \"{agentId}\" already has an active attachment; attach with an actor credential to reconnect";
        return liveKeys.Any(k => k != credentialKey) ? $"agent \"{agentId}\" is already attached with different credentials" : null;
    }
}
