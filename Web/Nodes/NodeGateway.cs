using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moltnet.Cluster;
using Moltnet.Configuration;
using Moltnet.Runtime;

namespace Moltnet.Web.Nodes;

/// <summary>The node sockets held by this replica, and the cluster-bus side of remote nodes: a revoke closes the node's
/// socket on whichever replica holds it, and exec/cancel for a node connected elsewhere are routed to that replica
/// (the inventory records the holding replica).</summary>
public sealed partial class NodeGateway(IGrainFactory grains, MoltnetConfig config, IClusterBus bus, ILogger<NodeGateway> log) : IHostedService
{
    public const string RevokeTopic = "nodes.revoke";
    public const string ExecTopic = "nodes.exec";
    public const string ChunkTopic = "nodes.exec.chunk";
    public const string DoneTopic = "nodes.exec.done";
    public const string CancelTopic = "nodes.cancel";

    private readonly ConcurrentDictionary<string, NodeSession> _sessions = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];

    public string ReplicaId => bus.ReplicaId;

    /// <summary>Live node sockets on this replica.</summary>
    public int Count => _sessions.Count;

    private INodeInventoryGrain Inventory => grains.GetGrain<INodeInventoryGrain>(config.Network.Id);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.Add(bus.Subscribe(RevokeTopic, m =>
        {
            var message = BusJson.Read<RevokeMessage>(m.Payload);
            if (message is not null && _sessions.TryGetValue(message.NodeId, out var session)) session.Close("token revoked");
            return Task.CompletedTask;
        }));
        _subscriptions.Add(bus.Subscribe(ExecTopic, m => { _ = Task.Run(() => OnRemoteExecAsync(m)); return Task.CompletedTask; }));
        _subscriptions.Add(bus.Subscribe(ChunkTopic, m => OnRemoteChunk(m, done: false)));
        _subscriptions.Add(bus.Subscribe(DoneTopic, m => OnRemoteChunk(m, done: true)));
        _subscriptions.Add(bus.Subscribe(CancelTopic, OnCancel));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var s in _subscriptions) s.Dispose();
        foreach (var session in _sessions.Values) session.Close("server stopping");
        return Task.CompletedTask;
    }

    internal ValueTask<string?> AuthenticateAsync(string token, CancellationToken ct) => Inventory.AuthenticateAsync(token, ct);

    /// <summary>Records the connection, then makes it the node's socket here; an older socket of the node is closed.</summary>
    internal async Task RegisterAsync(NodeSession session, NodeConnect connect, CancellationToken ct)
    {
        await grains.GetGrain<INodeGrain>(session.NodeId).ConnectedAsync(connect, ct);
        NodeSession? old = null;
        _sessions.AddOrUpdate(session.NodeId, session, (_, existing) => { old = existing; return session; });
        old?.Close("replaced by a new connection");
        NodeLog.Connected(log, session.NodeId, session.ConnId);
    }

    internal async Task UnregisterAsync(NodeSession session, string reason)
    {
        _sessions.TryRemove(new KeyValuePair<string, NodeSession>(session.NodeId, session));
        try
        {
            await grains.GetGrain<INodeGrain>(session.NodeId).DisconnectedAsync(session.ConnId, reason, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NodeLog.DisconnectNotRecorded(log, e, session.NodeId);
        }
        NodeLog.Disconnected(log, session.NodeId, session.ConnId, reason);
    }

    internal async Task TelemetryAsync(NodeSession session, TelemetryPayload t, CancellationToken ct)
    {
        var sample = new NodeTelemetry
        {
            MemTotal = Math.Max(0, t.Mem?.Total ?? 0),
            MemAvailable = Math.Max(0, t.Mem?.Available ?? 0),
            CpuCount = Math.Max(0, t.CpuCount),
            CpuUsage = double.IsFinite(t.CpuUsage) ? Math.Clamp(t.CpuUsage, 0, 100) : 0,
            UptimeSecs = Math.Max(0, t.Uptime),
            DiskTotal = t.Disk?.Total,
            DiskAvailable = t.Disk?.Available,
            Runtimes = t.Runtimes is { Count: > 0 } r ? [.. r.Take(20).Select(x => x.Length > 40 ? x[..40] : x)] : null,
        };
        if (!await grains.GetGrain<INodeGrain>(session.NodeId).TelemetryAsync(session.ConnId, sample, ct))
            session.Close("token revoked");
    }

    /// <summary>Revokes the node in the store, then closes its socket on every replica.</summary>
    public async Task<NodeInfo> RevokeAsync(string nodeId, string actor, CancellationToken ct)
    {
        var node = await Inventory.RevokeAsync(nodeId, actor, ct);
        if (_sessions.TryGetValue(node.NodeId, out var local)) local.Close("token revoked");
        await bus.PublishAsync(RevokeTopic, BusJson.Write(new RevokeMessage(node.NodeId)), null, ct);
        return node;
    }

    internal NodeSession? Local(string nodeId) => _sessions.GetValueOrDefault(nodeId);
}
