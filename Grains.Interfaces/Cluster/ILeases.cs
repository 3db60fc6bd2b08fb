namespace Moltnet.Cluster;

/// <summary>Named leases: at most one replica holds a lease at a time, for singletons such as a pairing's outbox owner or
/// the event log pruner (design.md §4). With one process every lease is this process's; with PostgreSQL a lease is a row
/// with a holder and an expiry that its holder renews.</summary>
public interface ILeases
{
    /// <summary>Takes or renews <paramref name="name"/> for this replica for <paramref name="ttl"/>. True when this replica
    /// holds it afterwards; false when another replica holds an unexpired lease.</summary>
    Task<bool> TryAcquireAsync(string name, TimeSpan ttl, CancellationToken ct);

    /// <summary>Gives the lease up if this replica holds it (on shutdown), so another replica can take it at once.</summary>
    Task ReleaseAsync(string name, CancellationToken ct);
}
