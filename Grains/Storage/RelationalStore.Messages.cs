using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// Message appends (thread/DM update, message, artifacts, events in one savepoint), threads and DMs.
public abstract partial class RelationalStore
{
    public Task<AppendOutcome> AppendMessageAsync(MessageWrite write, CancellationToken ct) => Guarded(() =>
    {
        var createdIndex = StoreRules.CheckMessageWrite(write);
        var events = PreparedEvent.From(write.Events);
        var m = write.Message;
        var messageRow = MessageRow(m);
        var artifactRows = write.Artifacts.Select(ArtifactRow).ToArray();
        var outbox = write.Outbox;
        var createdAt = StoreTime.ToText(m.CreatedAt);
        var thread = write.Thread is { } tw ? (Write: tw, Row: ThreadRow(StoreRules.Normalize(tw.Value), tw.Version + 1)) : default;
        var dm = write.Dm is { } dw ? (Write: dw, Value: StoreRules.Normalize(dw.Value)) : default;
        // A store that answers a refused id as a duplicate (AppendRace) needs no read first: the unique index decides at
        // commit, and callers check before they append (the conversation grain does, on a pooled read), so the writer's
        // read would only catch a race, at a round trip per message.
        var race = AppendRace(m.Id);
        return WriteSqlAsync(s =>
        {
            if (!write.NewId && race is null && s.Scalar("SELECT 1 FROM messages WHERE id = @p0", m.Id) is not null)
                return AppendOutcome.Duplicate;
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
            var seq = s.CursorOf(stored, createdIndex);
            messageRow[MessageSeqSlot] = seq;
            s.Defer(InsertMessage, messageRow);
            foreach (var row in artifactRows)
            {
                row[ArtifactSeqSlot] = seq;
                s.Defer(InsertArtifact, row);
            }
            foreach (var o in outbox)
                s.Defer(InsertOutbox, o.PairingId, m.Id, o.BodyJson, seq, createdAt);
            return AppendOutcome.Stored;
        }, ct, race);
    });

    /// <summary>Turns the failure of an append that lost a race on the message id into
    /// <see cref="AppendOutcome.Duplicate"/>; null where no other writer can store the same id between the check and the
    /// insert (one SQLite writer per file), and the writer then reads for the id itself.</summary>
    private protected virtual Func<ISqlWriter, Exception, (bool Ok, AppendOutcome Value)>? AppendRace(string messageId) => null;

    public virtual Task<bool> MessageExistsAsync(string messageId, CancellationToken ct) => ReadSqlAsync(async c =>
        await c.ScalarAsync("SELECT 1 FROM messages WHERE id = @p0", messageId) is not null, ct);

    public Task<Versioned<ThreadInfo>?> ReadThreadAsync(string id, CancellationToken ct) => ReadSqlAsync(async c =>
        (await c.QueryAsync($"SELECT {ThreadColumns} FROM threads WHERE id = @p0", ReadThreadRow, id)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<ThreadInfo>> ListThreadsAsync(string roomId, CancellationToken ct) => ReadSqlAsync<IReadOnlyList<ThreadInfo>>(async c =>
        [.. (await c.QueryAsync($"SELECT {ThreadColumns} FROM threads WHERE room_id = @p0 ORDER BY id", ReadThreadRow, roomId)).Select(t => t.Value)], ct);

    public Task<Versioned<DirectConversation>?> ReadDmAsync(string id, CancellationToken ct) => ReadSqlAsync(async c =>
        (await ReadDmsAsync(c, "WHERE d.dm_id = @p0", id)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<DirectConversation>> ListDmsAsync(CancellationToken ct) => ReadSqlAsync<IReadOnlyList<DirectConversation>>(async c =>
        [.. (await ReadDmsAsync(c, "")).Select(d => d.Value)], ct);

    private static async Task<List<Versioned<DirectConversation>>> ReadDmsAsync(ISqlReader c, string where, params object?[] args)
    {
        var rows = await c.QueryAsync(
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
}
