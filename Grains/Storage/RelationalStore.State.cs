using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// Rooms, agents and generic grain state.
public abstract partial class RelationalStore
{
    // Rooms -----------------------------------------------------------------------------------------------

    public Task<Versioned<RoomState>?> ReadRoomAsync(string id, CancellationToken ct) => ReadSqlAsync(async c =>
    {
        var rows = await c.QueryAsync($"SELECT {RoomColumns} FROM rooms WHERE id = @p0", ReadRoomRow, id);
        if (rows.Count == 0) return null;
        var members = await c.QueryAsync("SELECT member_id FROM room_members WHERE room_id = @p0 ORDER BY member_id", r => r.GetString(0), id);
        var (state, version) = rows[0];
        return new Versioned<RoomState>(WithMembers(state, members), version);
    }, ct);

    public Task<IReadOnlyList<RoomState>> ListRoomsAsync(CancellationToken ct) => ReadSqlAsync<IReadOnlyList<RoomState>>(async c =>
    {
        // One statement, so rooms and members come from one snapshot.
        var rows = await c.QueryAsync(
            "SELECT r.id, r.network_id, r.fqid, r.name, r.created_at, r.deleted_at, r.visibility, r.write_policy, r.version, m.member_id " +
            "FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id ORDER BY r.id, m.member_id",
            r => (Row: ReadRoomRow(r), Member: r.NullableString(9)));
        var rooms = new List<RoomState>();
        var members = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Member is { } member) members.Add(member);
            if (i + 1 < rows.Count && rows[i + 1].Row.State.Room.Id == rows[i].Row.State.Room.Id) continue;
            rooms.Add(WithMembers(rows[i].Row.State, members));
            members = [];
        }
        return rooms;
    }, ct);

    public Task<long> WriteRoomAsync(RoomState room, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        ArgumentNullException.ThrowIfNull(room);
        StoreRules.CheckExpected(expectedVersion);
        var prepared = PreparedEvent.From(events);
        var stored = StoreRules.Normalize(room);
        var r = stored.Room;
        object?[] row = [r.Id, r.NetworkId, r.Fqid, r.Name, StoreTime.ToText(r.CreatedAt), StoreTime.ToText(stored.DeletedAt),
            r.Visibility, r.WritePolicy, expectedVersion + 1];
        return WriteSqlAsync(s =>
        {
            s.WriteVersioned("room", r.Id, expectedVersion, InsertRoom, UpdateRoom, row);
            if (expectedVersion != 0) s.Defer("DELETE FROM room_members WHERE room_id = @p0", r.Id);
            foreach (var member in r.Members ?? [])
                s.Defer("INSERT INTO room_members (room_id, member_id) VALUES (@p0, @p1)", r.Id, member);
            s.AppendEvents(prepared);
            return expectedVersion + 1;
        }, ct);
    });

    // Agents ----------------------------------------------------------------------------------------------

    public Task<Versioned<AgentRegistration>?> ReadAgentAsync(string agentId, CancellationToken ct) => ReadSqlAsync(async c =>
        (await c.QueryAsync($"SELECT {AgentColumns} FROM agents WHERE agent_id = @p0", ReadAgentRow, agentId)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<AgentRegistration>> ListAgentsAsync(CancellationToken ct) => ReadSqlAsync<IReadOnlyList<AgentRegistration>>(async c =>
        [.. (await c.QueryAsync($"SELECT {AgentColumns} FROM agents ORDER BY agent_id", ReadAgentRow)).Select(a => a.Value)], ct);

    public Task<AgentRegistration?> FindAgentByCredentialAsync(string credentialKey, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(credentialKey)) return Task.FromResult<AgentRegistration?>(null);
        return ReadSqlAsync(async c => (await c.QueryAsync(
            $"SELECT {AgentColumns} FROM agents WHERE credential_key = @p0 ORDER BY agent_id LIMIT 1", ReadAgentRow, credentialKey))
            .FirstOrDefault()?.Value, ct);
    }

    public Task<long> WriteAgentAsync(string agentId, AgentRegistration? agent, long expectedVersion, IReadOnlyList<Event> events, CancellationToken ct) => Guarded(() =>
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        StoreRules.CheckExpected(expectedVersion);
        var prepared = PreparedEvent.From(events);
        var a = agent is null ? null : StoreRules.Normalize(StoreRules.CheckAgent(agentId, agent));
        object?[]? row = a is null ? null : [a.AgentId, a.NetworkId, a.ActorUid, a.ActorUri, a.DisplayName, a.CredentialKey,
            StoreTime.ToText(a.CreatedAt), StoreTime.ToText(a.UpdatedAt), expectedVersion + 1];
        return WriteSqlAsync(s =>
        {
            if (row is null)
            {
                s.DeleteVersioned("agent", agentId, expectedVersion, "SELECT 1 FROM agents WHERE agent_id = @p0",
                    "DELETE FROM agents WHERE agent_id = @p0 AND version = @p1", [agentId]);
            }
            else
            {
                s.WriteVersioned("agent", agentId, expectedVersion, InsertAgent, UpdateAgent, row);
            }
            s.AppendEvents(prepared);
            return expectedVersion + 1;
        }, ct);
    });

    // Grain state -----------------------------------------------------------------------------------------

    public Task<Versioned<string>?> ReadGrainStateAsync(string grainType, string key, CancellationToken ct) => ReadSqlAsync(async c =>
        (await c.QueryAsync("SELECT state_json, version FROM grain_state WHERE grain_type = @p0 AND key = @p1",
            r => new Versioned<string>(r.GetString(0), r.GetInt64(1)), grainType, key)).FirstOrDefault(), ct);

    public Task<long> WriteGrainStateAsync(string grainType, string key, string? json, long expectedVersion, CancellationToken ct) => Guarded(() =>
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentNullException.ThrowIfNull(key);
        StoreRules.CheckExpected(expectedVersion);
        return WriteSqlAsync(s =>
        {
            if (json is null)
            {
                s.DeleteVersioned(grainType, key, expectedVersion,
                    "SELECT 1 FROM grain_state WHERE grain_type = @p0 AND key = @p1",
                    "DELETE FROM grain_state WHERE grain_type = @p0 AND key = @p1 AND version = @p2", [grainType, key]);
            }
            else
            {
                s.WriteVersioned(grainType, key, expectedVersion, InsertGrainState, UpdateGrainState,
                    [grainType, key, json, expectedVersion + 1]);
            }
            return expectedVersion + 1;
        }, ct);
    });
}
