namespace Moltnet.Cluster;

/// <summary>Which attachment session tracks a wake (a <c>message.created</c> that wakes an agent), so that exactly one
/// <c>agent.wake.delivered</c> or <c>agent.wake.failed</c> is recorded per wake however many sessions of the agent
/// receive it, on this replica or others (design.md §5). The first session to claim a wake owns it; the others send the
/// event as a plain one. With one process the claims live in memory; with PostgreSQL they are rows every replica sees.
/// A claim is kept as long as the event log keeps events (7 days when the log keeps everything; in memory, also at most
/// the newest 100,000), so a replay of the message after a reconnect does not wake the agent a second time.</summary>
public interface IWakeClaims
{
    /// <summary>True when the caller is the first to claim the wake of <paramref name="messageId"/> for
    /// <paramref name="agentId"/> and so must report its outcome.</summary>
    Task<bool> TryClaimAsync(string agentId, string messageId, CancellationToken ct);
}
