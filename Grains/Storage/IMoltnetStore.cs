using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>
/// Durable storage behind the grains. Grains own the domain logic; the store performs conditional writes
/// (optimistic versions) and appends events to the durable log in the same transaction as the state they describe.
/// Every implementation (memory, sqlite, postgres) passes the same contract suite
/// (<c>tests/Grains.Tests/Storage/StoreContractTests.cs</c>).
/// <para>Implementations are thread-safe. Failures come back as faulted tasks: <see cref="StaleStateException"/> for a
/// version mismatch (nothing written), <see cref="StoreUnavailableException"/> when the storage cannot be used right now
/// (disk full, read-only database, I/O error, lost connection; the web layer answers 503), a 422
/// <see cref="MoltnetException"/> for an unknown history cursor, <see cref="InvalidOperationException"/> for an event id
/// that is already in the log. A completed write is durable (SQL backends) and visible to every later read.</para>
/// <para>Stored records are normalised: member and participant lists sorted (ordinal) and de-duplicated, null when
/// empty; <see cref="Room.Access"/> and <see cref="AgentRegistration.AgentToken"/> are never stored; times come back
/// in UTC with their full precision.</para>
/// </summary>
public interface IMoltnetStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema; idempotent. Migrations are recorded in <c>schema_migrations</c>.</summary>
    Task MigrateAsync(CancellationToken ct);

    /// <summary>True when the store answers; used by <c>/readyz</c>.</summary>
    Task<bool> PingAsync(CancellationToken ct);

    /// <summary>Receives committed events, in cursor order, after each commit and before the writers' tasks complete;
    /// calls are serialised. Set once at start-up. The sink must not block (it runs on the store's writer).</summary>
    IEventSink? Sink { get; set; }

    // Rooms -----------------------------------------------------------------------------------------------

    Task<Versioned<RoomState>?> ReadRoomAsync(string id, CancellationToken ct);

    /// <summary>All rooms, removed ones included, sorted by id.</summary>
    Task<IReadOnlyList<RoomState>> ListRoomsAsync(CancellationToken ct);

    /// <summary>Writes a room if its stored version equals <paramref name="expectedVersion"/> (0 = must not exist) and
    /// appends <paramref name="events"/>. Throws <see cref="StaleStateException"/> otherwise. Returns the new version.</summary>
    Task<long> WriteRoomAsync(RoomState room, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct);

    /// <summary>Deletes a room for good, with its members, threads, messages and artifacts, if its stored version equals
    /// <paramref name="expectedVersion"/>, and appends <paramref name="events"/>. Its id can then be created again.</summary>
    Task PurgeRoomAsync(string roomId, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct);

    // Agents ----------------------------------------------------------------------------------------------

    Task<Versioned<AgentRegistration>?> ReadAgentAsync(string agentId, CancellationToken ct);

    /// <summary>All registrations sorted by agent id.</summary>
    Task<IReadOnlyList<AgentRegistration>> ListAgentsAsync(CancellationToken ct);

    Task<AgentRegistration?> FindAgentByCredentialAsync(string credentialKey, CancellationToken ct);

    /// <summary>Conditional write as for rooms; <paramref name="agent"/> null deletes the registration (the next create
    /// then expects version 0). <paramref name="agent"/>'s id must be <paramref name="agentId"/>.</summary>
    Task<long> WriteAgentAsync(string agentId, AgentRegistration? agent, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct);

    // Messages --------------------------------------------------------------------------------------------

    /// <summary>Stores a message with its thread/DM update, artifacts and events atomically. A message id that already
    /// exists changes nothing and returns <see cref="AppendOutcome.Duplicate"/>; a stale thread/DM version throws
    /// <see cref="StaleStateException"/> and changes nothing. <see cref="MessageWrite.Events"/> must contain the
    /// <c>message.created</c> event: its cursor is the message's position in history (commit order).</summary>
    Task<AppendOutcome> AppendMessageAsync(MessageWrite write, CancellationToken ct);

    Task<bool> MessageExistsAsync(string messageId, CancellationToken ct);

    Task<Versioned<ThreadInfo>?> ReadThreadAsync(string id, CancellationToken ct);

    /// <summary>Threads of a room sorted by id.</summary>
    Task<IReadOnlyList<ThreadInfo>> ListThreadsAsync(string roomId, CancellationToken ct);

    Task<Versioned<DirectConversation>?> ReadDmAsync(string id, CancellationToken ct);

    /// <summary>All DMs sorted by id.</summary>
    Task<IReadOnlyList<DirectConversation>> ListDmsAsync(CancellationToken ct);

    /// <summary>A page of history in commit order, oldest first (spec §2.2 history rules). Throws a 422
    /// <see cref="MoltnetException"/> for a cursor that names no message.</summary>
    Task<Page<Message>> ListMessagesAsync(MessageScope scope, PageRequest page, CancellationToken ct);

    /// <summary>A page of artifacts in commit order; the room filter includes the room's thread artifacts.</summary>
    Task<Page<Artifact>> ListArtifactsAsync(MessageScope scope, PageRequest page, CancellationToken ct);

    // Event log -------------------------------------------------------------------------------------------

    /// <summary>Appends events that describe no stored state change (presence, wakes, pairing status).</summary>
    Task<IReadOnlyList<StoredEvent>> AppendEventsAsync(IReadOnlyList<Event> events, CancellationToken ct);

    /// <summary>The cursor of an event id, or null when the log does not hold it.</summary>
    Task<long?> FindEventCursorAsync(string eventId, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> events with a cursor greater than <paramref name="afterCursor"/>, ascending.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadEventsAfterAsync(long afterCursor, int limit, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> events with <paramref name="afterCursor"/> &lt; cursor ≤
    /// <paramref name="upToCursor"/>, ascending.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(long afterCursor, long upToCursor, int limit, CancellationToken ct);

    /// <summary>The newest cursor allocated so far, once it and every cursor before it are durable: a database crash cannot
    /// take them back (0 for an empty log). On PostgreSQL a batch's commit reaches the disk shortly after it becomes
    /// visible (see <c>PostgresWriteSession</c>), so readers that publish events deliver only up to this.</summary>
    Task<long> DurableEventCursorAsync(CancellationToken ct);

    /// <summary>The oldest and newest retained events, or nulls for an empty log.</summary>
    Task<(StoredEvent? Oldest, StoredEvent? Newest)> EventBoundsAsync(CancellationToken ct);

    /// <summary>Deletes events created before <paramref name="cutoff"/>; returns how many. Cursors are never reused.</summary>
    Task<int> PruneEventsAsync(DateTimeOffset cutoff, CancellationToken ct);

    // Pairings --------------------------------------------------------------------------------------------

    /// <summary>Stored pairing statuses, sorted by pairing id.</summary>
    Task<IReadOnlyList<Versioned<PairingState>>> ListPairingStatesAsync(CancellationToken ct);

    /// <summary>Conditional write of a pairing status as for rooms (0 = must not exist), with <paramref name="events"/>.</summary>
    Task<long> WritePairingStateAsync(PairingState state, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> queued relays of a pairing in delivery order (by seq).</summary>
    Task<IReadOnlyList<OutboxItem>> ReadOutboxAsync(string pairingId, int limit, CancellationToken ct);

    /// <summary>Removes a delivered (or finally refused) relay; false when it was already gone.</summary>
    Task<bool> DeleteOutboxItemAsync(long id, CancellationToken ct);

    /// <summary>Records a failed attempt; false when the item is gone.</summary>
    Task<bool> RescheduleOutboxItemAsync(long id, int attempts, DateTimeOffset nextAttemptAt, string? lastError, CancellationToken ct);

    // Remote nodes --------------------------------------------------------------------------------------------

    /// <summary>Stores a new device token with its node's inventory row; false (nothing written) when the node id exists.</summary>
    Task<bool> CreateDeviceTokenAsync(DeviceTokenRecord token, RemoteNodeRecord node, CancellationToken ct);

    /// <summary>The token with this hex SHA-256, revoked or not; null when unknown.</summary>
    Task<DeviceTokenRecord?> FindDeviceTokenAsync(string tokenHash, CancellationToken ct);

    /// <summary>All device tokens sorted by creation time, then node id.</summary>
    Task<IReadOnlyList<DeviceTokenRecord>> ListDeviceTokensAsync(CancellationToken ct);

    /// <summary>Revokes a node's tokens and marks the node revoked, with <paramref name="events"/> (its socket's close then
    /// marks it disconnected);
    /// false (nothing written) when the node is unknown or already revoked.</summary>
    Task<bool> RevokeRemoteNodeAsync(string nodeId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct);

    Task<RemoteNodeRecord?> ReadRemoteNodeAsync(string nodeId, CancellationToken ct);

    /// <summary>The inventory sorted by node id.</summary>
    Task<IReadOnlyList<RemoteNodeRecord>> ListRemoteNodesAsync(CancellationToken ct);

    /// <summary>Creates or replaces a node's inventory row, with <paramref name="events"/>.</summary>
    Task WriteRemoteNodeAsync(RemoteNodeRecord node, IReadOnlyList<Event> events, CancellationToken ct);

    /// <summary>Marks the node disconnected only while <paramref name="connId"/> still holds it (a newer connection, maybe on
    /// another replica, wins), with <paramref name="events"/>; false when it did not.</summary>
    Task<bool> MarkRemoteNodeDisconnectedAsync(string nodeId, string connId, DateTimeOffset at, IReadOnlyList<Event> events, CancellationToken ct);

    /// <summary>The node selected for a conversation, or null.</summary>
    Task<string?> ReadNodeSelectionAsync(string conversationId, CancellationToken ct);

    /// <summary>Selects <paramref name="nodeId"/> for a conversation; null clears the selection.</summary>
    Task WriteNodeSelectionAsync(string conversationId, string? nodeId, DateTimeOffset at, CancellationToken ct);

    // Generic grain state (for grains whose state is a document) ------------------------------------------

    Task<Versioned<string>?> ReadGrainStateAsync(string grainType, string key, CancellationToken ct);

    /// <summary>Conditional write as for rooms; <paramref name="json"/> null deletes the state.</summary>
    Task<long> WriteGrainStateAsync(string grainType, string key, string? json, long expectedVersion, CancellationToken ct);
}

/// <summary>Receives committed events in cursor order.</summary>
public interface IEventSink
{
    void OnCommitted(IReadOnlyList<StoredEvent> events);
}
