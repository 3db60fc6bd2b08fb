using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// Remote node inventory, device tokens and conversation node selections.
public abstract partial class RelationalStore
{
    public Task<bool> CreateDeviceTokenAsync(DeviceTokenRecord token, RemoteNodeRecord node, CancellationToken ct) =>
        WriteSqlAsync(s =>
        {
            if (s.Execute(InsertRemoteNode, RemoteNodeRow(node)) != 1) return false;
            s.Execute(InsertDeviceToken, DeviceTokenRow(token));
            return true;
        }, ct);

    public Task<DeviceTokenRecord?> FindDeviceTokenAsync(string tokenHash, CancellationToken ct) =>
        ReadSqlAsync(async c => (await c.QueryAsync($"SELECT {DeviceTokenColumns} FROM device_tokens WHERE token_hash = @p0",
            ReadDeviceTokenRow, tokenHash)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<DeviceTokenRecord>> ListDeviceTokensAsync(CancellationToken ct) =>
        ReadSqlAsync<IReadOnlyList<DeviceTokenRecord>>(async c =>
            await c.QueryAsync($"SELECT {DeviceTokenColumns} FROM device_tokens ORDER BY created_at, node_id", ReadDeviceTokenRow), ct);

    public Task<bool> RevokeRemoteNodeAsync(string nodeId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        var prepared = PreparedEvent.From(events);
        var when = StoreTime.ToText(at);
        return WriteSqlAsync(s =>
        {
            if (s.Execute(RevokeRemoteNode, nodeId, when) != 1) return false;
            s.Execute(RevokeDeviceTokens, nodeId, when);
            s.AppendEvents(prepared);
            return true;
        }, ct);
    });

    public Task<RemoteNodeRecord?> ReadRemoteNodeAsync(string nodeId, CancellationToken ct) =>
        ReadSqlAsync(async c => (await c.QueryAsync($"SELECT {RemoteNodeColumns} FROM remote_nodes WHERE node_id = @p0",
            ReadRemoteNodeRow, nodeId)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<RemoteNodeRecord>> ListRemoteNodesAsync(CancellationToken ct) =>
        ReadSqlAsync<IReadOnlyList<RemoteNodeRecord>>(async c =>
            await c.QueryAsync($"SELECT {RemoteNodeColumns} FROM remote_nodes ORDER BY node_id", ReadRemoteNodeRow), ct);

    public Task WriteRemoteNodeAsync(RemoteNodeRecord node, IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        var prepared = PreparedEvent.From(events);
        var row = RemoteNodeRow(node);
        return WriteSqlAsync(s =>
        {
            s.Execute(UpsertRemoteNode, row);
            s.AppendEvents(prepared);
            return true;
        }, ct);
    });

    public Task<bool> MarkRemoteNodeDisconnectedAsync(string nodeId, string connId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        var prepared = PreparedEvent.From(events);
        return WriteSqlAsync(s =>
        {
            if (s.Execute(DisconnectRemoteNode, nodeId, connId, StoreTime.ToText(at)) != 1) return false;
            s.AppendEvents(prepared);
            return true;
        }, ct);
    });

    public Task<string?> ReadNodeSelectionAsync(string conversationId, CancellationToken ct) =>
        ReadSqlAsync(async c => await c.ScalarAsync("SELECT node_id FROM node_selections WHERE conversation_id = @p0", conversationId) as string, ct);

    public Task WriteNodeSelectionAsync(string conversationId, string? nodeId, DateTimeOffset at, CancellationToken ct) =>
        WriteSqlAsync(s => nodeId is null
            ? s.Execute(DeleteNodeSelection, conversationId)
            : s.Execute(UpsertNodeSelection, conversationId, nodeId, StoreTime.ToText(at)), ct);
}
