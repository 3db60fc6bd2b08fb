namespace Moltnet.Cluster;

/// <summary>The replicas of the network (design.md §4): each registers itself and heartbeats; a replica whose heartbeat is
/// older than the stale window is no longer listed. With one process the list holds this process only.</summary>
public interface IClusterMembership
{
    /// <summary>Live replicas sorted by id, with their last published connection counts.</summary>
    Task<IReadOnlyList<ReplicaInfo>> ListAsync(CancellationToken ct);
}

/// <summary>One replica as membership knows it.</summary>
public sealed record ReplicaInfo(string Id, string? Address, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, ConnectionCounts Connections);
