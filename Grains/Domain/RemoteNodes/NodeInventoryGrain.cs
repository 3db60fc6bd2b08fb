using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.RemoteNodes;

/// <summary>The node inventory and device tokens, read from the store on every call so every replica answers the same.
/// Stateless: calls may interleave.</summary>
[Reentrant]
internal sealed class NodeInventoryGrain(IMoltnetStore store, NetworkContext net) : Grain, INodeInventoryGrain
{
    /// <summary>A sample older than this is stale (remote-nodes.md §6).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(120);

    public async ValueTask<DeviceTokenCreated> CreateTokenAsync(string? name, string? nodeId, CancellationToken ct)
    {
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (name is { Length: > 100 }) throw MoltnetException.BadRequest("name must be at most 100 characters");
        nodeId = string.IsNullOrWhiteSpace(nodeId) ? Guid.NewGuid().ToString("D") : nodeId.Trim();
        if (!Ids.IsValid(nodeId)) throw MoltnetException.BadRequest($"invalid node id \"{nodeId}\"");
        var token = DeviceTokens.New();
        var now = net.Now();
        var created = await store.CreateDeviceTokenAsync(
            new DeviceTokenRecord(DeviceTokens.Hash(token), token[..12], nodeId, now, null),
            new RemoteNodeRecord { NodeId = nodeId, DisplayName = name, CreatedAt = now }, ct);
        if (!created) throw MoltnetException.Conflict($"node \"{nodeId}\" already exists");
        return new DeviceTokenCreated(token, nodeId, token[..12], [DeviceTokens.Scope]);
    }

    public async ValueTask<string?> AuthenticateAsync(string deviceToken, CancellationToken ct)
    {
        if (!DeviceTokens.LooksValid(deviceToken)) return null;
        var record = await store.FindDeviceTokenAsync(DeviceTokens.Hash(deviceToken), ct);
        return record is { RevokedAt: null } ? record.NodeId : null;
    }

    public async ValueTask<DeviceTokenList> ListTokensAsync(CancellationToken ct) =>
        new([.. (await store.ListDeviceTokensAsync(ct)).Select(t => new DeviceTokenInfo
        {
            NodeId = t.NodeId, TokenPrefix = t.TokenPrefix, CreatedAt = t.CreatedAt, RevokedAt = t.RevokedAt,
        })]);

    public async ValueTask<NodeList> ListAsync(CancellationToken ct) =>
        new([.. (await store.ListRemoteNodesAsync(ct)).Select(ToInfo)]);

    public async ValueTask<NodeInfo> DescribeAsync(string idOrName, CancellationToken ct) =>
        ToInfo(await FindAsync(idOrName, ct) ?? throw MoltnetException.NotFound($"node \"{idOrName}\" not found"));

    public async ValueTask<NodeInfo> RevokeAsync(string nodeId, string actor, CancellationToken ct)
    {
        var row = await FindAsync(nodeId, ct) ?? throw MoltnetException.NotFound($"node \"{nodeId}\" not found");
        var now = net.Now();
        var revoked = net.NewEvent(NodeEventTypes.Revoked, now) with
        {
            Node = new EventNode { NodeId = row.NodeId, DisplayName = row.DisplayName, Actor = actor, Reason = "token revoked" },
        };
        if (!await store.RevokeRemoteNodeAsync(row.NodeId, now, [revoked], ct))
            throw MoltnetException.Conflict($"node \"{row.NodeId}\" is already revoked");
        return ToInfo(await store.ReadRemoteNodeAsync(row.NodeId, ct) ?? row);
    }

    public async ValueTask<NodeSelection> SelectAsync(string conversationId, string? idOrName, CancellationToken ct)
    {
        CheckConversation(conversationId);
        string? nodeId = null;
        if (!string.IsNullOrWhiteSpace(idOrName))
        {
            var row = await FindAsync(idOrName.Trim(), ct) ?? throw MoltnetException.NotFound($"node \"{idOrName}\" not found");
            if (row.RevokedAt is not null) throw MoltnetException.Conflict($"node \"{row.NodeId}\" is revoked");
            nodeId = row.NodeId;
        }
        await store.WriteNodeSelectionAsync(conversationId, nodeId, net.Now(), ct);
        return new NodeSelection { ConversationId = conversationId, NodeId = nodeId };
    }

    public async ValueTask<NodeSelection> SelectionAsync(string conversationId, CancellationToken ct)
    {
        CheckConversation(conversationId);
        return new NodeSelection { ConversationId = conversationId, NodeId = await store.ReadNodeSelectionAsync(conversationId, ct) };
    }

    /// <summary>Conversation ids are room, thread or DM ids, optionally prefixed <c>room:</c>, <c>thread:</c> or <c>dm:</c>.</summary>
    private static void CheckConversation(string conversationId)
    {
        var bare = conversationId.Contains(':', StringComparison.Ordinal) ? conversationId[(conversationId.IndexOf(':', StringComparison.Ordinal) + 1)..] : conversationId;
        var kind = conversationId.Contains(':', StringComparison.Ordinal) ? conversationId[..conversationId.IndexOf(':', StringComparison.Ordinal)] : "room";
        if (kind is not ("room" or "thread" or "dm") || !Ids.IsValid(bare))
            throw MoltnetException.BadRequest($"invalid conversation id \"{conversationId}\" (room:<id>, thread:<id> or dm:<id>)");
    }

    private async Task<RemoteNodeRecord?> FindAsync(string idOrName, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(idOrName) || idOrName.Length > 200) return null;
        if (await store.ReadRemoteNodeAsync(idOrName, ct) is { } exact) return exact;
        var byName = (await store.ListRemoteNodesAsync(ct))
            .Where(n => string.Equals(n.DisplayName, idOrName, StringComparison.OrdinalIgnoreCase)).ToList();
        return byName.Count switch
        {
            1 => byName[0],
            0 => null,
            _ => throw MoltnetException.Conflict($"several nodes are named \"{idOrName}\"; use the node id"),
        };
    }

    private NodeInfo ToInfo(RemoteNodeRecord r) => new()
    {
        NodeId = r.NodeId,
        DisplayName = r.DisplayName,
        Platform = r.Platform,
        Version = r.Version,
        Connected = r.Connected && r.RevokedAt is null,
        Revoked = r.RevokedAt is not null,
        ReplicaId = r.Connected ? r.ReplicaId : null,
        RemoteIp = r.RemoteIp,
        ConnectedAt = r.Connected ? r.ConnectedAt : null,
        LastSeenAt = r.LastSeenAt,
        Telemetry = r.Telemetry,
        TelemetryStale = r.Telemetry is null || net.Now() - r.Telemetry.ReceivedAt > StaleAfter,
        Policy = r.Policy,
        CreatedAt = r.CreatedAt,
    };
}
