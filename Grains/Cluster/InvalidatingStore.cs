using Moltnet.Grains.Storage;
using Moltnet.Wire;

namespace Moltnet.Cluster;

/// <summary>The PostgreSQL store of a replica: every call goes to the inner store; after a state write that a grain on
/// another replica may have cached, it publishes a <see cref="ClusterCacheInvalidator"/> message. Plain room messages
/// change no cached state and publish nothing (the hot path stays one NOTIFY per commit batch).</summary>
public sealed class InvalidatingStore(IMoltnetStore inner, Func<ClusterCacheInvalidator> invalidator) : IMoltnetStore, IStoreWriterIdentity
{
    public IMoltnetStore Inner => inner;

    public bool IsOwnWriterProcess(int processId) => inner is IStoreWriterIdentity writer && writer.IsOwnWriterProcess(processId);

    public IEventSink? Sink { get => inner.Sink; set => inner.Sink = value; }

    public Task MigrateAsync(CancellationToken ct) => inner.MigrateAsync(ct);

    public Task<bool> PingAsync(CancellationToken ct) => inner.PingAsync(ct);

    public Task<Versioned<RoomState>?> ReadRoomAsync(string id, CancellationToken ct) => inner.ReadRoomAsync(id, ct);

    public Task<IReadOnlyList<RoomState>> ListRoomsAsync(CancellationToken ct) => inner.ListRoomsAsync(ct);

    public async Task<long> WriteRoomAsync(RoomState room, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct)
    {
        var version = await inner.WriteRoomAsync(room, expectedVersion, events, ct);
        await Changed("RoomGrain", room.Room.Id);
        return version;
    }

    public async Task PurgeRoomAsync(string roomId, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct)
    {
        await inner.PurgeRoomAsync(roomId, expectedVersion, events, ct);
        await Changed("RoomGrain", roomId);
    }

    public Task<Versioned<AgentRegistration>?> ReadAgentAsync(string agentId, CancellationToken ct) => inner.ReadAgentAsync(agentId, ct);

    public Task<IReadOnlyList<AgentRegistration>> ListAgentsAsync(CancellationToken ct) => inner.ListAgentsAsync(ct);

    public Task<AgentRegistration?> FindAgentByCredentialAsync(string credentialKey, CancellationToken ct) =>
        inner.FindAgentByCredentialAsync(credentialKey, ct);

    public async Task<long> WriteAgentAsync(string agentId, AgentRegistration? agent, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct)
    {
        var version = await inner.WriteAgentAsync(agentId, agent, expectedVersion, events, ct);
        await Changed("AgentGrain", agentId);
        return version;
    }

    public async Task<AppendOutcome> AppendMessageAsync(MessageWrite write, CancellationToken ct)
    {
        var outcome = await inner.AppendMessageAsync(write, ct);
        if (outcome == AppendOutcome.Stored)
        {
            if (write.Thread is { } t) await Changed("ConversationGrain", "thread:" + t.Value.Id);
            if (write.Dm is { } d) await Changed("ConversationGrain", "dm:" + d.Value.Id);
        }
        return outcome;
    }

    public Task<bool> MessageExistsAsync(string messageId, CancellationToken ct) => inner.MessageExistsAsync(messageId, ct);

    public Task<Versioned<ThreadInfo>?> ReadThreadAsync(string id, CancellationToken ct) => inner.ReadThreadAsync(id, ct);

    public Task<IReadOnlyList<ThreadInfo>> ListThreadsAsync(string roomId, CancellationToken ct) => inner.ListThreadsAsync(roomId, ct);

    public Task<Versioned<DirectConversation>?> ReadDmAsync(string id, CancellationToken ct) => inner.ReadDmAsync(id, ct);

    public Task<IReadOnlyList<DirectConversation>> ListDmsAsync(CancellationToken ct) => inner.ListDmsAsync(ct);

    public Task<Page<Message>> ListMessagesAsync(MessageScope scope, PageRequest page, CancellationToken ct) => inner.ListMessagesAsync(scope, page, ct);

    public Task<Page<Artifact>> ListArtifactsAsync(MessageScope scope, PageRequest page, CancellationToken ct) => inner.ListArtifactsAsync(scope, page, ct);

    public Task<IReadOnlyList<StoredEvent>> AppendEventsAsync(IReadOnlyList<Event> events, CancellationToken ct) => inner.AppendEventsAsync(events, ct);

    public Task<long?> FindEventCursorAsync(string eventId, CancellationToken ct) => inner.FindEventCursorAsync(eventId, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAfterAsync(long afterCursor, int limit, CancellationToken ct) =>
        inner.ReadEventsAfterAsync(afterCursor, limit, ct);

    public Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(long afterCursor, long upToCursor, int limit, CancellationToken ct) =>
        inner.ReadEventsAsync(afterCursor, upToCursor, limit, ct);

    public Task<long> DurableEventCursorAsync(CancellationToken ct) => inner.DurableEventCursorAsync(ct);

    public Task<(StoredEvent? Oldest, StoredEvent? Newest)> EventBoundsAsync(CancellationToken ct) => inner.EventBoundsAsync(ct);

    public Task<int> PruneEventsAsync(DateTimeOffset cutoff, CancellationToken ct) => inner.PruneEventsAsync(cutoff, ct);

    public Task<IReadOnlyList<Versioned<PairingState>>> ListPairingStatesAsync(CancellationToken ct) => inner.ListPairingStatesAsync(ct);

    public async Task<long> WritePairingStateAsync(PairingState state, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct)
    {
        var version = await inner.WritePairingStateAsync(state, expectedVersion, events, ct);
        await Changed("PairingGrain", state.PairingId);
        return version;
    }

    public Task<IReadOnlyList<OutboxItem>> ReadOutboxAsync(string pairingId, int limit, CancellationToken ct) => inner.ReadOutboxAsync(pairingId, limit, ct);

    public Task<bool> DeleteOutboxItemAsync(long id, CancellationToken ct) => inner.DeleteOutboxItemAsync(id, ct);

    public Task<bool> RescheduleOutboxItemAsync(long id, int attempts, DateTimeOffset nextAttemptAt, string? lastError, CancellationToken ct) =>
        inner.RescheduleOutboxItemAsync(id, attempts, nextAttemptAt, lastError, ct);

    public Task<Versioned<string>?> ReadGrainStateAsync(string grainType, string key, CancellationToken ct) => inner.ReadGrainStateAsync(grainType, key, ct);

    public async Task<long> WriteGrainStateAsync(string grainType, string key, string? json, long expectedVersion, CancellationToken ct)
    {
        var version = await inner.WriteGrainStateAsync(grainType, key, json, expectedVersion, ct);
        await Changed(grainType, key);
        return version;
    }

    // Remote nodes: their grains read the store on every call (no cached state), so these pass through.

    public Task<bool> CreateDeviceTokenAsync(DeviceTokenRecord token, RemoteNodeRecord node, CancellationToken ct) =>
        inner.CreateDeviceTokenAsync(token, node, ct);

    public Task<DeviceTokenRecord?> FindDeviceTokenAsync(string tokenHash, CancellationToken ct) => inner.FindDeviceTokenAsync(tokenHash, ct);

    public Task<IReadOnlyList<DeviceTokenRecord>> ListDeviceTokensAsync(CancellationToken ct) => inner.ListDeviceTokensAsync(ct);

    public Task<bool> RevokeRemoteNodeAsync(string nodeId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct) =>
        inner.RevokeRemoteNodeAsync(nodeId, at, events, ct);

    public Task<RemoteNodeRecord?> ReadRemoteNodeAsync(string nodeId, CancellationToken ct) => inner.ReadRemoteNodeAsync(nodeId, ct);

    public Task<IReadOnlyList<RemoteNodeRecord>> ListRemoteNodesAsync(CancellationToken ct) => inner.ListRemoteNodesAsync(ct);

    public Task WriteRemoteNodeAsync(RemoteNodeRecord node, IReadOnlyList<Event> events, CancellationToken ct) =>
        inner.WriteRemoteNodeAsync(node, events, ct);

    public Task<bool> MarkRemoteNodeDisconnectedAsync(string nodeId, string connId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct) =>
        inner.MarkRemoteNodeDisconnectedAsync(nodeId, connId, at, events, ct);

    public Task<string?> ReadNodeSelectionAsync(string conversationId, CancellationToken ct) => inner.ReadNodeSelectionAsync(conversationId, ct);

    public Task WriteNodeSelectionAsync(string conversationId, string? nodeId, DateTimeOffset at, CancellationToken ct) =>
        inner.WriteNodeSelectionAsync(conversationId, nodeId, at, ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private Task Changed(string grainType, string key) => invalidator().PublishAsync(grainType, key);
}
