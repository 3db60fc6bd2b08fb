using System.Text.Json.Serialization;

namespace Moltnet.Wire;

/// <summary><c>GET /v1/cluster</c>: the replicas serving this network and the connections each holds.</summary>
public sealed record ClusterView(
    string ReplicaId,
    string StorageKind,
    IReadOnlyList<ClusterReplica> Replicas);

/// <summary>One live replica (its heartbeat is recent).</summary>
public sealed record ClusterReplica(
    string Id,
    string? Address,
    DateTimeOffset StartedAt,
    DateTimeOffset LastHeartbeatAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool Self,
    ClusterConnections Connections);

/// <summary>Live connections of one replica.</summary>
public sealed record ClusterConnections(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int Sse,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int Attach,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int Nodes);
