namespace Moltnet.Cluster;

/// <summary>Leases as rows of <c>cluster_leases</c> (name, holder, expiry). Taking a lease is one upsert that succeeds when
/// the row is new, already this replica's, or expired; the database clock decides expiry, so replicas' clocks may drift.
/// A replica that dies keeps its leases until they expire; one that stops releases them.</summary>
public sealed class PostgresLeases(PostgresClusterDb db, ReplicaIdentity replica) : ILeases
{
    public async Task<bool> TryAcquireAsync(string name, TimeSpan ttl, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var rows = await db.QueryAsync("""
            INSERT INTO cluster_leases (name, holder, expires_at) VALUES (@p0, @p1, clock_timestamp() + @p2)
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
            WHERE cluster_leases.holder = EXCLUDED.holder OR cluster_leases.expires_at < clock_timestamp()
            RETURNING holder
            """, r => r.GetString(0), ct, name, replica.Id, ttl);
        return rows.Count == 1;
    }

    public Task ReleaseAsync(string name, CancellationToken ct) =>
        db.ExecuteAsync("DELETE FROM cluster_leases WHERE name = @p0 AND holder = @p1", ct, name, replica.Id);

    /// <summary>The replica holding an unexpired <paramref name="name"/>, or null.</summary>
    public async Task<string?> HolderAsync(string name, CancellationToken ct) =>
        (await db.QueryAsync("SELECT holder FROM cluster_leases WHERE name = @p0 AND expires_at >= clock_timestamp()",
            r => r.GetString(0), ct, name)).FirstOrDefault();
}
