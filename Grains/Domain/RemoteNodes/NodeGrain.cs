using Moltnet.Grains.Runtime;
using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Grains.Domain.RemoteNodes;

/// <summary>One node's inventory row. Rows are re-read on every call: the grain may be active on several replicas, and
/// the connection id in the row decides which socket owns the node.</summary>
internal sealed class NodeGrain(IMoltnetStore store, NetworkContext net) : Grain, INodeGrain
{
    public async ValueTask ConnectedAsync(NodeConnect c, CancellationToken ct)
    {
        var row = await store.ReadRemoteNodeAsync(GrainKey, ct) ?? throw MoltnetException.NotFound($"node \"{GrainKey}\" not found");
        var now = net.Now();
        var updated = row with
        {
            DisplayName = c.DisplayName ?? row.DisplayName,
            Platform = c.Platform,
            Version = c.Version,
            ReplicaId = c.ReplicaId,
            ConnId = c.ConnId,
            RemoteIp = c.RemoteIp,
            Connected = true,
            ConnectedAt = now,
            LastSeenAt = now,
            Policy = c.Policy,
        };
        await store.WriteRemoteNodeAsync(updated, [Event(NodeEventTypes.Connected, new EventNode
        {
            NodeId = GrainKey, DisplayName = updated.DisplayName, ReplicaId = c.ReplicaId,
        }, now)], ct);
    }

    public async ValueTask<bool> TelemetryAsync(string connId, NodeTelemetry sample, CancellationToken ct)
    {
        var row = await store.ReadRemoteNodeAsync(GrainKey, ct);
        if (row is null || row.ConnId != connId || !row.Connected || row.RevokedAt is not null) return false;
        var now = net.Now();
        await store.WriteRemoteNodeAsync(row with { Telemetry = sample with { ReceivedAt = now }, LastSeenAt = now }, [], ct);
        return true;
    }

    public async ValueTask DisconnectedAsync(string connId, string reason, CancellationToken ct)
    {
        var now = net.Now();
        await store.MarkRemoteNodeDisconnectedAsync(GrainKey, connId, now,
            [Event(NodeEventTypes.Disconnected, new EventNode { NodeId = GrainKey, Reason = reason }, now)], ct);
    }

    public async ValueTask AuditAsync(string type, EventNode payload, CancellationToken ct) =>
        await store.AppendEventsAsync([Event(type, payload with { NodeId = GrainKey }, net.Now())], ct);

    private Event Event(string type, EventNode payload, DateTimeOffset at) => net.NewEvent(type, at) with { Node = payload };
}
