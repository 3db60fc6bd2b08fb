using Npgsql;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

// History pages (spec §2.2) in commit order: messages by seq, artifacts by (seq, part_index).
public sealed partial class PostgresStore
{
    private const string MessageColumns = "id, network_id, target_json, from_json, parts_json, mentions_json, created_at, origin_json";
    private const string ArtifactColumns = "id, network_id, fqid, message_id, target_json, part_index, kind, media_type, filename, url, created_at";

    public Task<Page<Message>> ListMessagesAsync(MessageScope scope, PageRequest page, CancellationToken ct)
    {
        var where = scope.Kind switch
        {
            TargetKind.Room => "room_id = @p0 AND target_kind = 'room'",
            TargetKind.Thread => "thread_id = @p0 AND target_kind = 'thread'",
            _ => "dm_id = @p0 AND target_kind = 'dm'",
        };
        return ReadAsync(async c =>
        {
            StoreRules.CheckScope(scope);
            var limit = StoreRules.Limit(page);
            var cursor = page.Before ?? page.After;
            var seq = cursor is null ? 0L
                : await PostgresSetup.ScalarAsync(c, "SELECT seq FROM messages WHERE id = @p0", cursor) as long? ?? throw StoreRules.InvalidCursor(cursor);
            var rows = page.After is not null
                ? await PostgresSetup.QueryAsync(c, $"SELECT {MessageColumns} FROM messages WHERE {where} AND seq > @p1 ORDER BY seq LIMIT @p2",
                    ReadMessage, scope.Id, seq, limit + 1)
                : page.Before is not null
                    ? await PostgresSetup.QueryAsync(c, $"SELECT {MessageColumns} FROM messages WHERE {where} AND seq < @p1 ORDER BY seq DESC LIMIT @p2",
                        ReadMessage, scope.Id, seq, limit + 1)
                    : await PostgresSetup.QueryAsync(c, $"SELECT {MessageColumns} FROM messages WHERE {where} ORDER BY seq DESC LIMIT @p1",
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
        return ReadAsync(async c =>
        {
            StoreRules.CheckScope(scope);
            var limit = StoreRules.Limit(page);
            var cursor = page.Before ?? page.After;
            var key = cursor is null ? default
                : await PostgresSetup.QueryAsync(c, "SELECT seq, part_index FROM artifacts WHERE id = @p0", r => (Seq: r.GetInt64(0), Part: (long)r.GetInt32(1)), cursor)
                    is [var k] ? k : throw StoreRules.InvalidCursor(cursor);
            var rows = page.After is not null
                ? await PostgresSetup.QueryAsync(c, $"SELECT {ArtifactColumns} FROM artifacts WHERE {where} " +
                    "AND (seq, part_index) > (@p1, @p2) ORDER BY seq, part_index LIMIT @p3",
                    ReadArtifact, scope.Id, key.Seq, key.Part, limit + 1)
                : page.Before is not null
                    ? await PostgresSetup.QueryAsync(c, $"SELECT {ArtifactColumns} FROM artifacts WHERE {where} " +
                        "AND (seq, part_index) < (@p1, @p2) ORDER BY seq DESC, part_index DESC LIMIT @p3",
                        ReadArtifact, scope.Id, key.Seq, key.Part, limit + 1)
                    : await PostgresSetup.QueryAsync(c, $"SELECT {ArtifactColumns} FROM artifacts WHERE {where} ORDER BY seq DESC, part_index DESC LIMIT @p1",
                        ReadArtifact, scope.Id, limit + 1);
            return ToPage(rows, limit, newer: page.After is not null, a => a.Id);
        }, ct);
    }

    /// <summary>Turns up to <c>limit + 1</c> rows into a page. <paramref name="newer"/>: rows run oldest→newest after the
    /// cursor; otherwise they run newest→oldest and are reversed.</summary>
    private static Page<T> ToPage<T>(List<T> rows, int limit, bool newer, Func<T, string> id)
    {
        var hasMore = rows.Count > limit;
        if (hasMore) rows.RemoveRange(limit, rows.Count - limit);
        if (newer) return new Page<T>(rows, new PageInfo(hasMore, NextAfter: hasMore ? id(rows[^1]) : null));
        rows.Reverse();
        return new Page<T>(rows, new PageInfo(hasMore, NextBefore: hasMore ? id(rows[0]) : null));
    }

    private static Message ReadMessage(NpgsqlDataReader r) => new()
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

    private static Artifact ReadArtifact(NpgsqlDataReader r) => new()
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
}
