using Moltnet.Configuration;

namespace Moltnet.Cluster;

/// <summary>Wake claims as rows of <c>cluster_wake_claims</c> (agent id, message id, replica, time): a claim is one insert
/// that only the first replica's succeeds. Rows older than the retention are deleted at most once a minute per replica.</summary>
public sealed class PostgresWakeClaims(PostgresClusterDb db, ReplicaIdentity replica, MoltnetConfig config, TimeProvider time) : IWakeClaims
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private readonly TimeSpan _retention = WakeClaimRetention.Of(config);
    private long _prunedAt = long.MinValue;

    public async Task<bool> TryClaimAsync(string agentId, string messageId, CancellationToken ct)
    {
        await PruneAsync(ct);
        var inserted = await db.ExecuteAsync("""
            INSERT INTO cluster_wake_claims (agent_id, message_id, replica_id, claimed_at) VALUES (@p0, @p1, @p2, clock_timestamp())
            ON CONFLICT (agent_id, message_id) DO NOTHING
            """, ct, agentId, messageId, replica.Id);
        return inserted == 1;
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _prunedAt);
        if (last != long.MinValue && time.GetElapsedTime(last, now) < PruneEvery) return;
        if (Interlocked.CompareExchange(ref _prunedAt, now, last) != last) return;
        await db.ExecuteAsync("DELETE FROM cluster_wake_claims WHERE claimed_at < clock_timestamp() - @p0", ct, _retention);
    }
}
