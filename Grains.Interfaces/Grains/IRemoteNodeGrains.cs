using Moltnet.Runtime;
using Moltnet.Wire;

namespace Moltnet.Grains;

/// <summary>One remote node, keyed by node id: its inventory row, written as its socket comes and goes (remote-nodes.md).</summary>
public interface INodeGrain : IGrainWithStringKey
{
    /// <summary>Records a new connection held by <see cref="NodeConnect.ReplicaId"/> and appends <c>node.connected</c>.</summary>
    ValueTask ConnectedAsync(NodeConnect connect, CancellationToken ct = default);

    /// <summary>Stores a telemetry sample from the connection that owns the node. False when that connection no longer
    /// owns it or the node is revoked (the gateway then closes the socket).</summary>
    ValueTask<bool> TelemetryAsync(string connId, NodeTelemetry sample, CancellationToken ct = default);

    /// <summary>Marks the node offline if <paramref name="connId"/> still holds it, appending <c>node.disconnected</c>.</summary>
    ValueTask DisconnectedAsync(string connId, string reason, CancellationToken ct = default);

    /// <summary>Appends an audit event (<c>node.exec.started</c> / <c>node.exec.finished</c>) for this node.</summary>
    ValueTask AuditAsync(string type, EventNode payload, CancellationToken ct = default);
}

/// <summary>What a node said at connect.</summary>
public sealed record NodeConnect(string ConnId, string ReplicaId, string? DisplayName, string? Platform, string? Version,
    string? RemoteIp, NodePolicyInfo? Policy);

/// <summary>The network's node inventory and device tokens, keyed by the network id.</summary>
public interface INodeInventoryGrain : IGrainWithStringKey
{
    /// <summary>A new node with a fresh token (shown once). 409 when <paramref name="nodeId"/> exists; 400 for a bad id.</summary>
    ValueTask<DeviceTokenCreated> CreateTokenAsync(string? name, string? nodeId, CancellationToken ct = default);

    /// <summary>The node a presented device token belongs to, or null when the token is unknown or revoked.</summary>
    ValueTask<string?> AuthenticateAsync(string deviceToken, CancellationToken ct = default);

    ValueTask<DeviceTokenList> ListTokensAsync(CancellationToken ct = default);

    /// <summary>Every known node, online or not.</summary>
    ValueTask<NodeList> ListAsync(CancellationToken ct = default);

    /// <summary>A node by exact id, else by display name ignoring case; 404 <c>node "x" not found</c>.</summary>
    ValueTask<NodeInfo> DescribeAsync(string idOrName, CancellationToken ct = default);

    /// <summary>Revokes the node's tokens and marks it revoked (appends <c>node.revoked</c>); 404 unknown, 409 already revoked.
    /// Closing its live socket is the gateway's job.</summary>
    ValueTask<NodeInfo> RevokeAsync(string nodeId, string actor, CancellationToken ct = default);

    /// <summary>Binds a conversation to a node (null clears); the node must exist and not be revoked.</summary>
    ValueTask<NodeSelection> SelectAsync(string conversationId, string? idOrName, CancellationToken ct = default);

    ValueTask<NodeSelection> SelectionAsync(string conversationId, CancellationToken ct = default);
}
