namespace Moltnet.Cluster;

/// <summary>Small messages between the replicas of one network (design.md §4). With one process (SQLite, memory) the bus
/// is in-process; with PostgreSQL it is carried by <c>NOTIFY</c>, so every replica sharing the database receives it.
/// <para>Delivery is at most once and unordered across publishers; a payload is at most <see cref="MaxPayloadBytes"/>
/// UTF-8 bytes. Use it for signals (revoke a device token, route a call to the replica that holds a socket, stream its
/// answer back), never for state that must survive: durable state goes through the store.</para></summary>
public interface IClusterBus
{
    /// <summary>This replica's id (stable for the life of the process, unique in the cluster).</summary>
    string ReplicaId { get; }

    /// <summary>Largest payload <see cref="PublishAsync"/> accepts, in UTF-8 bytes.</summary>
    const int MaxPayloadBytes = 7000;

    /// <summary>Sends <paramref name="payload"/> on <paramref name="topic"/> to every replica, this one included.
    /// <paramref name="target"/> null = all replicas; otherwise only the replica with that id handles it.</summary>
    Task PublishAsync(string topic, string payload, string? target, CancellationToken ct);

    /// <summary>Calls <paramref name="handler"/> for each message on <paramref name="topic"/> addressed to this replica
    /// (or to all). Handlers run off the publisher's thread and must not block; dispose to stop.</summary>
    IDisposable Subscribe(string topic, Func<ClusterMessage, Task> handler);
}

/// <summary>One message on the bus.</summary>
public sealed record ClusterMessage(string Topic, string From, string? Target, string Payload);
