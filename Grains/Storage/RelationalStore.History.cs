using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// History pages (spec §2.2) in commit order: messages by seq, artifacts by (seq, part_index).
public abstract partial class RelationalStore
{
    public Task<Page<Message>> ListMessagesAsync(MessageScope scope, PageRequest page, CancellationToken ct)
    {
        var where = scope.Kind switch
        {
            TargetKind.Room => "room_id = @p0 AND target_kind = 'room'",
            TargetKind.Thread => "thread_id = @p0 AND target_kind = 'thread'",
            _ => "dm_id = @p0 AND target_kind = 'dm'",
        };
        return ReadSqlAsync(async c =>
        {
            StoreRules.CheckScope(scope);
            var limit = StoreRules.Limit(page);
            var cursor = page.Before ?? page.After;
            var seq = cursor is null ? 0L
                : await c.ScalarAsync("SELECT seq FROM messages WHERE id = @p0", cursor) as long? ?? throw StoreRules.InvalidCursor(cursor);
            var rows = page.After is not null
                ? await c.QueryAsync($"SELECT {MessageColumns} FROM messages WHERE {where} AND seq > @p1 ORDER BY seq LIMIT @p2",
                    ReadMessage, scope.Id, seq, limit + 1)
                : page.Before is not null
                    ? await c.QueryAsync($"SELECT {MessageColumns} FROM messages WHERE {where} AND seq < @p1 ORDER BY seq DESC LIMIT @p2",
                        ReadMessage, scope.Id, seq, limit + 1)
                    : await c.QueryAsync($"SELECT {MessageColumns} FROM messages WHERE {where} ORDER BY seq DESC LIMIT @p1",
                        ReadMessage, scope.Id, limit + 1);
            return ToPage(rows, limit, newer: page.After is not null, m => m.Id);
        }, ct);
    }

    public Task<Page<Artifact>> ListArtifactsAsync(MessageScope scope, PageRequest page, CancellationToken ct)
    {
        var where = scope.Kind switch
        {
            TargetKind.Room => "room_id = @p0",
            TargetKind.Thread => "thread_id = @p0",
            _ => "dm_id = @p0",
        };
        return ReadSqlAsync(async c =>
        {
            StoreRules.CheckScope(scope);
            var limit = StoreRules.Limit(page);
            var cursor = page.Before ?? page.After;
            var key = cursor is null ? default
                // part_index is INTEGER: 64-bit in SQLite, 32-bit in PostgreSQL; read as int, as ReadArtifact does.
                : await c.QueryAsync("SELECT seq, part_index FROM artifacts WHERE id = @p0", r => (Seq: r.GetInt64(0), Part: (long)r.GetInt32(1)), cursor)
                    is [var k] ? k : throw StoreRules.InvalidCursor(cursor);
            var rows = page.After is not null
                ? await c.QueryAsync($"SELECT {ArtifactColumns} FROM artifacts WHERE {where} " +
                    "AND (seq, part_index) > (@p1, @p2) ORDER BY seq, part_index LIMIT @p3",
                    ReadArtifact, scope.Id, key.Seq, key.Part, limit + 1)
                : page.Before is not null
                    ? await c.QueryAsync($"SELECT {ArtifactColumns} FROM artifacts WHERE {where} " +
                        "AND (seq, part_index) < (@p1, @p2) ORDER BY seq DESC, part_index DESC LIMIT @p3",
                        ReadArtifact, scope.Id, key.Seq, key.Part, limit + 1)
                    : await c.QueryAsync($"SELECT {ArtifactColumns} FROM artifacts WHERE {where} ORDER BY seq DESC, part_index DESC LIMIT @p1",
                        ReadArtifact, scope.Id, limit + 1);
            return ToPage(rows, limit, newer: page.After is not null, a => a.Id);
        }, ct);
    }
}
