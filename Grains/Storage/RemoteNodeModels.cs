using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>A device token: only the hex SHA-256 of the whole token and its first 12 characters are stored.</summary>
public sealed record DeviceTokenRecord(string TokenHash, string TokenPrefix, string NodeId, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>A node of the persistent inventory. <see cref="ReplicaId"/> and <see cref="ConnId"/> name the socket while
/// <see cref="Connected"/>, so calls for the node are routed to the replica that holds it.</summary>
public sealed record RemoteNodeRecord
{
    public required string NodeId { get; init; }
    public string? DisplayName { get; init; }
    public string? Platform { get; init; }
    public string? Version { get; init; }
    public string? ReplicaId { get; init; }
    public string? ConnId { get; init; }
    public string? RemoteIp { get; init; }
    public bool Connected { get; init; }
    public DateTimeOffset? ConnectedAt { get; init; }
    public DateTimeOffset? LastSeenAt { get; init; }
    public NodeTelemetry? Telemetry { get; init; }
    public NodePolicyInfo? Policy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}
