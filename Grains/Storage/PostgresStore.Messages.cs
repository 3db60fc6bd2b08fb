using Npgsql;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

// Message appends (thread/DM update, message, artifacts, events in one savepoint), threads and DMs.
public sealed partial class PostgresStore
{
    private const string ThreadColumns = "id, network_id, fqid, room_id, parent_message_id, message_count, last_message_at, version";
    private const string InsertThread =
        $"INSERT INTO threads ({ThreadColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7) ON CONFLICT (id) DO NOTHING";
    private const string UpdateThread =
        "UPDATE threads SET network_id = @p1, fqid = @p2, room_id = @p3, parent_message_id = @p4, message_count = @p5, " +
        "last_message_at = @p6, version = @p7 WHERE id = @p0 AND version = @p8";

    private const string DmColumns = "dm_id, network_id, fqid, message_count, last_message_at, version";
    private const string InsertDm =
        $"INSERT INTO dm_conversations ({DmColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5) ON CONFLICT (dm_id) DO NOTHING";
    private const string UpdateDm =
        "UPDATE dm_conversations SET network_id = @p1, fqid = @p2, message_count = @p3, last_message_at = @p4, version = @p5 " +
        "WHERE dm_id = @p0 AND version = @p6";

    private const string InsertMessage =
        "INSERT INTO messages (id, network_id, target_kind, room_id, thread_id, parent_message_id, dm_id, target_json, from_json, " +
        "parts_json, mentions_json, created_at, origin_json, seq) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13)";
    private const int MessageSeqSlot = 13;

    private const string InsertArtifact =
        "INSERT INTO artifacts (id, network_id, fqid, message_id, target_kind, room_id, thread_id, dm_id, target_json, part_index, " +
        "kind, media_type, filename, url, created_at, seq) " +
        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15)";
    private const int ArtifactSeqSlot = 15;

    public Task<AppendOutcome> AppendMessageAsync(MessageWrite write, CancellationToken ct) => Guard(() =>
    {
        var createdIndex = StoreRules.CheckMessageWrite(write);
        var events = PreparedEvent.From(write.Events);
        var m = write.Message;
        var messageRow = MessageRow(m);
        var artifactRows = write.Artifacts.Select(ArtifactRow).ToArray();
        var thread = write.Thread is { } tw ? (Write: tw, Row: ThreadRow(StoreRules.Normalize(tw.Value), tw.Version + 1)) : default;
        var dm = write.Dm is { } dw ? (Write: dw, Value: StoreRules.Normalize(dw.Value)) : default;
        return EnqueueAsync(s =>
        {
            if (s.Scalar("SELECT 1 FROM messages WHERE id = @p0", m.Id) is not null) return AppendOutcome.Duplicate;
            if (thread.Write is { } t)
                s.WriteVersioned("thread", t.Value.Id, t.Version, InsertThread, UpdateThread, thread.Row);
            if (dm.Write is { } d)
            {
                var v = dm.Value;
                s.WriteVersioned("dm", v.Id, d.Version, InsertDm, UpdateDm,
                    [v.Id, v.NetworkId, v.Fqid, v.MessageCount, StoreTime.ToText(v.LastMessageAt), d.Version + 1]);
                if (d.Version != 0) s.Defer("DELETE FROM dm_participants WHERE dm_id = @p0", v.Id);
                foreach (var p in v.ParticipantIds ?? [])
                    s.Defer("INSERT INTO dm_participants (dm_id, participant_id) VALUES (@p0, @p1)", v.Id, p);
            }
            var stored = s.AppendEvents(events);
            var seq = stored[createdIndex].Cursor;
            messageRow[MessageSeqSlot] = seq;
            s.Defer(InsertMessage, messageRow);
            foreach (var row in artifactRows)
            {
                row[ArtifactSeqSlot] = seq;
                s.Defer(InsertArtifact, row);
            }
            return AppendOutcome.Stored;
        }, ct, (s, ex) => IsDuplicateRace(s, ex, m.Id));
    });

    /// <summary>Another replica stored the same message id between our check and our insert: the unique index refused
    /// our row (after the other transaction committed), so the answer is <see cref="AppendOutcome.Duplicate"/>.</summary>
    private static (bool, AppendOutcome) IsDuplicateRace(PostgresWriteSession s, Exception ex, string messageId) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && s.Scalar("SELECT 1 FROM messages WHERE id = @p0", messageId) is not null
            ? (true, AppendOutcome.Duplicate)
            : (false, default);

    public Task<bool> MessageExistsAsync(string messageId, CancellationToken ct) => ReadAsync(async c =>
        await PostgresSetup.ScalarAsync(c, "SELECT 1 FROM messages WHERE id = @p0", messageId) is not null, ct);

    public Task<Versioned<ThreadInfo>?> ReadThreadAsync(string id, CancellationToken ct) => ReadAsync(async c =>
        (await PostgresSetup.QueryAsync(c, $"SELECT {ThreadColumns} FROM threads WHERE id = @p0", ReadThreadRow, id)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<ThreadInfo>> ListThreadsAsync(string roomId, CancellationToken ct) => ReadAsync<IReadOnlyList<ThreadInfo>>(async c =>
        [.. (await PostgresSetup.QueryAsync(c, $"SELECT {ThreadColumns} FROM threads WHERE room_id = @p0 ORDER BY id", ReadThreadRow, roomId)).Select(t => t.Value)], ct);

    public Task<Versioned<DirectConversation>?> ReadDmAsync(string id, CancellationToken ct) => ReadAsync(async c =>
        (await ReadDmsAsync(c, "WHERE d.dm_id = @p0", id)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<DirectConversation>> ListDmsAsync(CancellationToken ct) => ReadAsync<IReadOnlyList<DirectConversation>>(async c =>
        [.. (await ReadDmsAsync(c, "")).Select(d => d.Value)], ct);

    private static async Task<List<Versioned<DirectConversation>>> ReadDmsAsync(NpgsqlConnection c, string where, params object?[] args)
    {
        var rows = await PostgresSetup.QueryAsync(c,
            "SELECT d.dm_id, d.network_id, d.fqid, d.message_count, d.last_message_at, d.version, p.participant_id " +
            $"FROM dm_conversations d LEFT JOIN dm_participants p ON p.dm_id = d.dm_id {where} ORDER BY d.dm_id, p.participant_id",
            r => (Dm: new Versioned<DirectConversation>(new DirectConversation
            {
                Id = r.GetString(0),
                NetworkId = r.GetString(1),
                Fqid = r.GetString(2),
                MessageCount = r.GetInt64(3),
                LastMessageAt = StoreTime.Parse(r.GetString(4)),
            }, r.GetInt64(5)), Participant: r.NullableString(6)), args);
        var result = new List<Versioned<DirectConversation>>();
        var participants = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Participant is { } p) participants.Add(p);
            if (i + 1 < rows.Count && rows[i + 1].Dm.Value.Id == rows[i].Dm.Value.Id) continue;
            var dm = rows[i].Dm;
            result.Add(participants.Count == 0 ? dm : dm with { Value = dm.Value with { ParticipantIds = participants } });
            participants = [];
        }
        return result;
    }

    private static Versioned<ThreadInfo> ReadThreadRow(NpgsqlDataReader r) => new(new ThreadInfo
    {
        Id = r.GetString(0),
        NetworkId = r.GetString(1),
        Fqid = r.GetString(2),
        RoomId = r.GetString(3),
        ParentMessageId = r.NullableString(4),
        MessageCount = r.GetInt64(5),
        LastMessageAt = StoreTime.Parse(r.GetString(6)),
    }, r.GetInt64(7));

    private static object?[] ThreadRow(ThreadInfo t, long version) =>
        [t.Id, t.NetworkId, t.Fqid, t.RoomId, t.ParentMessageId, t.MessageCount, StoreTime.ToText(t.LastMessageAt), version];

    /// <summary>The message's columns; the last slot (seq) is filled by the writer.</summary>
    private static object?[] MessageRow(Message m) =>
    [
        m.Id, m.NetworkId, m.Target.Kind, m.Target.RoomId, m.Target.ThreadId, m.Target.ParentMessageId, m.Target.DmId,
        MoltnetJson.Serialize(m.Target), MoltnetJson.Serialize(m.From), MoltnetJson.Serialize(m.Parts),
        m.Mentions is null ? null : MoltnetJson.Serialize(m.Mentions), StoreTime.ToText(m.CreatedAt),
        MoltnetJson.Serialize(m.Origin), null,
    ];

    /// <summary>The artifact's columns; the last slot (seq) is filled by the writer.</summary>
    private static object?[] ArtifactRow(Artifact a) =>
    [
        a.Id, a.NetworkId, a.Fqid, a.MessageId, a.Target.Kind, a.Target.RoomId, a.Target.ThreadId, a.Target.DmId,
        MoltnetJson.Serialize(a.Target), a.PartIndex, a.Kind, a.MediaType, a.Filename, a.Url, StoreTime.ToText(a.CreatedAt), null,
    ];
}
