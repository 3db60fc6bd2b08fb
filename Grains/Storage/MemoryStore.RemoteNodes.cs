using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

// Remote node inventory, device tokens and conversation node selections.
public sealed partial class MemoryStore
{
    private readonly Dictionary<string, DeviceTokenRecord> _deviceTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RemoteNodeRecord> _remoteNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _nodeSelections = new(StringComparer.Ordinal);

    public Task<bool> CreateDeviceTokenAsync(DeviceTokenRecord token, RemoteNodeRecord node, CancellationToken ct) => Write(() =>
    {
        if (_remoteNodes.ContainsKey(node.NodeId)) return false;
        if (_deviceTokens.ContainsKey(token.TokenHash)) throw new InvalidOperationException("device token already stored");
        _remoteNodes[node.NodeId] = node;
        _deviceTokens[token.TokenHash] = token;
        return true;
    }, ct);

    public Task<DeviceTokenRecord?> FindDeviceTokenAsync(string tokenHash, CancellationToken ct) =>
        Locked(() => _deviceTokens.GetValueOrDefault(tokenHash), ct);

    public Task<IReadOnlyList<DeviceTokenRecord>> ListDeviceTokensAsync(CancellationToken ct) =>
        Locked<IReadOnlyList<DeviceTokenRecord>>(() =>
            [.. _deviceTokens.Values.OrderBy(t => t.CreatedAt).ThenBy(t => t.NodeId, StringComparer.Ordinal)], ct);

    public Task<bool> RevokeRemoteNodeAsync(string nodeId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct) => Write(() =>
    {
        StoreRules.CheckEvents(events);
        if (!_remoteNodes.TryGetValue(nodeId, out var node) || node.RevokedAt is not null) return false;
        CheckNewEvents(events);
        foreach (var t in _deviceTokens.Values.Where(t => t.NodeId == nodeId && t.RevokedAt is null).ToList())
            _deviceTokens[t.TokenHash] = t with { RevokedAt = at };
        _remoteNodes[nodeId] = node with { RevokedAt = at, Connected = false, LastSeenAt = node.Connected ? at : node.LastSeenAt };
        CommitEvents(events);
        return true;
    }, ct);

    public Task<RemoteNodeRecord?> ReadRemoteNodeAsync(string nodeId, CancellationToken ct) =>
        Locked(() => _remoteNodes.GetValueOrDefault(nodeId), ct);

    public Task<IReadOnlyList<RemoteNodeRecord>> ListRemoteNodesAsync(CancellationToken ct) =>
        Locked<IReadOnlyList<RemoteNodeRecord>>(() => [.. _remoteNodes.Values.OrderBy(n => n.NodeId, StringComparer.Ordinal)], ct);

    public Task WriteRemoteNodeAsync(RemoteNodeRecord node, IReadOnlyList<Event> events, CancellationToken ct) => Write(() =>
    {
        StoreRules.CheckEvents(events);
        CheckNewEvents(events);
        _remoteNodes[node.NodeId] = node;
        CommitEvents(events);
        return true;
    }, ct);

    public Task<bool> MarkRemoteNodeDisconnectedAsync(string nodeId, string connId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct) => Write(() =>
    {
        StoreRules.CheckEvents(events);
        if (!_remoteNodes.TryGetValue(nodeId, out var node) || !node.Connected || node.ConnId != connId) return false;
        CheckNewEvents(events);
        _remoteNodes[nodeId] = node with { Connected = false, LastSeenAt = at };
        CommitEvents(events);
        return true;
    }, ct);

    public Task<string?> ReadNodeSelectionAsync(string conversationId, CancellationToken ct) =>
        Locked(() => _nodeSelections.GetValueOrDefault(conversationId), ct);

    public Task WriteNodeSelectionAsync(string conversationId, string? nodeId, DateTimeOffset at, CancellationToken ct) => Write(() =>
    {
        if (nodeId is null) _nodeSelections.Remove(conversationId);
        else _nodeSelections[conversationId] = nodeId;
        return true;
    }, ct);
}
