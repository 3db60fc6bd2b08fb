using System.Data.Common;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>The relational schema both SQL stores share: column lists, the statements that are the same in SQLite and
/// PostgreSQL, and the mapping between rows and wire records.</summary>
internal static partial class RelationalSchema
{
    internal const string RoomColumns = "id, network_id, fqid, name, created_at, deleted_at, visibility, write_policy, version";

    internal const string InsertRoom =
        $"INSERT INTO rooms ({RoomColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8) ON CONFLICT (id) DO NOTHING";

    internal const string UpdateRoom =
        "UPDATE rooms SET network_id = @p1, fqid = @p2, name = @p3, created_at = @p4, deleted_at = @p5, visibility = @p6, " +
        "write_policy = @p7, version = @p8 WHERE id = @p0 AND version = @p9";

    internal const string AgentColumns = "agent_id, network_id, actor_uid, actor_uri, display_name, credential_key, created_at, updated_at, version";

    internal const string InsertAgent =
        $"INSERT INTO agents ({AgentColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8) ON CONFLICT (agent_id) DO NOTHING";

    internal const string UpdateAgent =
        "UPDATE agents SET network_id = @p1, actor_uid = @p2, actor_uri = @p3, display_name = @p4, credential_key = @p5, " +
        "created_at = @p6, updated_at = @p7, version = @p8 WHERE agent_id = @p0 AND version = @p9";

    internal const string InsertGrainState =
        "INSERT INTO grain_state (grain_type, key, state_json, version) VALUES (@p0, @p1, @p2, @p3) ON CONFLICT DO NOTHING";

    internal const string UpdateGrainState =
        "UPDATE grain_state SET state_json = @p2, version = @p3 WHERE grain_type = @p0 AND key = @p1 AND version = @p4";

    internal static (RoomState State, long Version) ReadRoomRow(DbDataReader r) => (new RoomState(
        new Room
        {
            Id = r.GetString(0),
            NetworkId = r.GetString(1),
            Fqid = r.GetString(2),
            Name = r.GetString(3),
            CreatedAt = StoreTime.Parse(r.GetString(4)),
            Visibility = r.GetString(6),
            WritePolicy = r.GetString(7),
        },
        r.NullableString(5) is { } deleted ? StoreTime.Parse(deleted) : null), r.GetInt64(8));

    internal static RoomState WithMembers(RoomState state, List<string> members) =>
        members.Count == 0 ? state : state with { Room = state.Room with { Members = members } };

    internal static Versioned<AgentRegistration> ReadAgentRow(DbDataReader r) => new(new AgentRegistration
    {
        AgentId = r.GetString(0),
        NetworkId = r.GetString(1),
        ActorUid = r.GetString(2),
        ActorUri = r.GetString(3),
        DisplayName = r.NullableString(4),
        CredentialKey = r.GetString(5),
        CreatedAt = StoreTime.Parse(r.GetString(6)),
        UpdatedAt = StoreTime.Parse(r.GetString(7)),
    }, r.GetInt64(8));

    internal const string ThreadColumns = "id, network_id, fqid, room_id, parent_message_id, message_count, last_message_at, version";

    internal const string InsertThread =
        $"INSERT INTO threads ({ThreadColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7) ON CONFLICT (id) DO NOTHING";

    internal const string UpdateThread =
        "UPDATE threads SET network_id = @p1, fqid = @p2, room_id = @p3, parent_message_id = @p4, message_count = @p5, " +
        "last_message_at = @p6, version = @p7 WHERE id = @p0 AND version = @p8";

    internal const string DmColumns = "dm_id, network_id, fqid, message_count, last_message_at, version";

    internal const string InsertDm =
        $"INSERT INTO dm_conversations ({DmColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5) ON CONFLICT (dm_id) DO NOTHING";

    internal const string UpdateDm =
        "UPDATE dm_conversations SET network_id = @p1, fqid = @p2, message_count = @p3, last_message_at = @p4, version = @p5 " +
        "WHERE dm_id = @p0 AND version = @p6";

    internal const string InsertMessage =
        "INSERT INTO messages (id, network_id, target_kind, room_id, thread_id, parent_message_id, dm_id, target_json, from_json, " +
        "parts_json, mentions_json, created_at, origin_json, seq) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13)";

    internal const int MessageSeqSlot = 13;

    internal const string InsertArtifact =
        "INSERT INTO artifacts (id, network_id, fqid, message_id, target_kind, room_id, thread_id, dm_id, target_json, part_index, " +
        "kind, media_type, filename, url, created_at, seq) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15)";

    internal const int ArtifactSeqSlot = 15;

    internal static Versioned<ThreadInfo> ReadThreadRow(DbDataReader r) => new(new ThreadInfo
    {
        Id = r.GetString(0),
        NetworkId = r.GetString(1),
        Fqid = r.GetString(2),
        RoomId = r.GetString(3),
        ParentMessageId = r.NullableString(4),
        MessageCount = r.GetInt64(5),
        LastMessageAt = StoreTime.Parse(r.GetString(6)),
    }, r.GetInt64(7));

    internal static object?[] ThreadRow(ThreadInfo t, long version) =>
        [t.Id, t.NetworkId, t.Fqid, t.RoomId, t.ParentMessageId, t.MessageCount, StoreTime.ToText(t.LastMessageAt), version];

    /// <summary>The message's columns; the last slot (seq) is filled by the writer.</summary>
    internal static object?[] MessageRow(Message m) =>
    [
        m.Id, m.NetworkId, m.Target.Kind, m.Target.RoomId, m.Target.ThreadId, m.Target.ParentMessageId, m.Target.DmId,
        MoltnetJson.Serialize(m.Target), MoltnetJson.Serialize(m.From), MoltnetJson.Serialize(m.Parts),
        m.Mentions is null ? null : MoltnetJson.Serialize(m.Mentions), StoreTime.ToText(m.CreatedAt),
        MoltnetJson.Serialize(m.Origin), null,
    ];

    /// <summary>The artifact's columns; the last slot (seq) is filled by the writer.</summary>
    internal static object?[] ArtifactRow(Artifact a) =>
    [
        a.Id, a.NetworkId, a.Fqid, a.MessageId, a.Target.Kind, a.Target.RoomId, a.Target.ThreadId, a.Target.DmId,
        MoltnetJson.Serialize(a.Target), a.PartIndex, a.Kind, a.MediaType, a.Filename, a.Url, StoreTime.ToText(a.CreatedAt), null,
    ];

    internal const string MessageColumns = "id, network_id, target_json, from_json, parts_json, mentions_json, created_at, origin_json";

    internal const string ArtifactColumns = "id, network_id, fqid, message_id, target_json, part_index, kind, media_type, filename, url, created_at";

    /// <summary>Turns up to <c>limit + 1</c> rows into a page. <paramref name="newer"/>: rows run oldest→newest after the
    /// cursor; otherwise they run newest→oldest and are reversed.</summary>
    internal static Page<T> ToPage<T>(List<T> rows, int limit, bool newer, Func<T, string> id)
    {
        var hasMore = rows.Count > limit;
        if (hasMore) rows.RemoveRange(limit, rows.Count - limit);
        if (newer) return new Page<T>(rows, new PageInfo(hasMore, NextAfter: hasMore ? id(rows[^1]) : null));
        rows.Reverse();
        return new Page<T>(rows, new PageInfo(hasMore, NextBefore: hasMore ? id(rows[0]) : null));
    }

    internal static Message ReadMessage(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        NetworkId = r.GetString(1),
        Target = MoltnetJson.Deserialize<Target>(r.GetString(2))!,
        From = MoltnetJson.Deserialize<Actor>(r.GetString(3))!,
        Parts = MoltnetJson.Deserialize<IReadOnlyList<Part>>(r.GetString(4))!,
        Mentions = r.NullableString(5) is { } mentions ? MoltnetJson.Deserialize<IReadOnlyList<string>>(mentions) : null,
        CreatedAt = StoreTime.Parse(r.GetString(6)),
        Origin = MoltnetJson.Deserialize<Origin>(r.GetString(7))!,
    };

    internal static Artifact ReadArtifact(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        NetworkId = r.GetString(1),
        Fqid = r.GetString(2),
        MessageId = r.GetString(3),
        Target = MoltnetJson.Deserialize<Target>(r.GetString(4))!,
        PartIndex = r.GetInt32(5),
        Kind = r.GetString(6),
        MediaType = r.NullableString(7),
        Filename = r.NullableString(8),
        Url = r.NullableString(9),
        CreatedAt = StoreTime.Parse(r.GetString(10)),
    };

    /// <summary>A row of <c>cursor, id, type, payload_json</c>. The payload is read as the UTF-8 bytes both databases store
    /// (a stream sends them as they are) and decoded when first used.</summary>
    internal static StoredEvent ReadEvent(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<byte[]>(3));

    /// <summary>A text column that may be NULL.</summary>
    internal static string? NullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
