using Microsoft.Data.Sqlite;
using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// History pages (spec §2.2) in commit order: messages by seq, artifacts by (seq, part_index).
public sealed partial class SqliteStore
{
    public Task<Page<Message>> ListMessagesAsync(MessageScope scope, PageRequest page, CancellationToken ct)
    {
        var where = scope.Kind switch
        {
            TargetKind.Room => "room_id = @p0 AND target_kind = 'room'",
            TargetKind.Thread => "thread_id = @p0 AND target_kind = 'thread'",
            _ => "dm_id = @p0 AND target_kind = 'dm'",
        };
        return ReadAsync(c =>
        {
            StoreRules.CheckScope(scope);
            var limit = StoreRules.Limit(page);
            var cursor = page.Before ?? page.After;
            var seq = cursor is null ? 0L
                : SqliteSetup.Scalar(c, "SELECT seq FROM messages WHERE id = @p0", cursor) as long? ?? throw StoreRules.InvalidCursor(cursor);
            var rows = page.After is not null
                ? SqliteSetup.Query(c, $"SELECT {MessageColumns} FROM messages WHERE {where} AND seq > @p1 ORDER BY seq LIMIT @p2",
                    ReadMessage, scope.Id, seq, limit + 1)
                : page.Before is not null
                    ? SqliteSetup.Query(c, $"SELECT {MessageColumns} FROM messages WHERE {where} AND seq < @p1 ORDER BY seq DESC LIMIT @p2",
                        ReadMessage, scope.Id, seq, limit + 1)
                    : SqliteSetup.Query(c, $"SELECT {MessageColumns} FROM messages WHERE {where} ORDER BY seq DESC LIMIT @p1",
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
        return ReadAsync(c =>
        {
            StoreRules.CheckScope(scope);
            var limit = StoreRules.Limit(page);
            var cursor = page.Before ?? page.After;
            var key = cursor is null ? default
                : SqliteSetup.Query(c, "SELECT seq, part_index FROM artifacts WHERE id = @p0", r => (Seq: r.GetInt64(0), Part: r.GetInt64(1)), cursor)
                    is [var k] ? k : throw StoreRules.InvalidCursor(cursor);
            var rows = page.After is not null
                ? SqliteSetup.Query(c, $"SELECT {ArtifactColumns} FROM artifacts WHERE {where} " +
                    "AND (seq, part_index) > (@p1, @p2) ORDER BY seq, part_index LIMIT @p3",
                    ReadArtifact, scope.Id, key.Seq, key.Part, limit + 1)
                : page.Before is not null
                    ? SqliteSetup.Query(c, $"SELECT {ArtifactColumns} FROM artifacts WHERE {where} " +
                        "AND (seq, part_index) < (@p1, @p2) ORDER BY seq DESC, part_index DESC LIMIT @p3",
                        ReadArtifact, scope.Id, key.Seq, key.Part, limit + 1)
                    : SqliteSetup.Query(c, $"SELECT {ArtifactColumns} FROM artifacts WHERE {where} ORDER BY seq DESC, part_index DESC LIMIT @p1",
                        ReadArtifact, scope.Id, limit + 1);
            return ToPage(rows, limit, newer: page.After is not null, a => a.Id);
        }, ct);
    }

}
