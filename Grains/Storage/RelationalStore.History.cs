using System.Data.Common;
using Moltnet.Wire;
using static Moltnet.Grains.Storage.RelationalSchema;

namespace Moltnet.Grains.Storage;

// History pages (spec §2.2) in commit order: messages by seq, artifacts by (seq, part_index).
public abstract partial class RelationalStore
{
    public Task<Page<Message>> ListMessagesAsync(MessageScope scope, PageRequest page, CancellationToken ct) =>
        PageAsync(MessageHistory, scope, page, ct);

    public Task<Page<Artifact>> ListArtifactsAsync(MessageScope scope, PageRequest page, CancellationToken ct) =>
        PageAsync(ArtifactHistory, scope, page, ct);

    private static readonly HistoryTable<Message> MessageHistory = new("messages", MessageColumns, ["seq"], r => [r.GetInt64(0)],
        ReadMessage, m => m.Id, kind => kind switch
        {
            TargetKind.Room => "room_id = @p0 AND target_kind = 'room'",
            TargetKind.Thread => "thread_id = @p0 AND target_kind = 'thread'",
            _ => "dm_id = @p0 AND target_kind = 'dm'",
        });

    // part_index is INTEGER: 64-bit in SQLite, 32-bit in PostgreSQL; read as int, as ReadArtifact does.
    private static readonly HistoryTable<Artifact> ArtifactHistory = new("artifacts", ArtifactColumns, ["seq", "part_index"],
        r => [r.GetInt64(0), (long)r.GetInt32(1)], ReadArtifact, a => a.Id, kind => kind switch
        {
            TargetKind.Room => "room_id = @p0",
            TargetKind.Thread => "thread_id = @p0",
            _ => "dm_id = @p0",
        });

    /// <summary>A history table: its rows in <see cref="Key"/> order (commit order); <see cref="Scope"/> gives, for a
    /// <see cref="MessageScope.Kind"/>, the condition selecting one conversation by <c>@p0</c>. A page cursor is a row id,
    /// turned into its key by <see cref="ReadKey"/>.</summary>
    private sealed record HistoryTable<T>(string Table, string Columns, string[] Key, Func<DbDataReader, object[]> ReadKey,
        Func<DbDataReader, T> Read, Func<T, string> Id, Func<string, string> Scope)
    {
        public string Ascending { get; } = string.Join(", ", Key);
        public string Descending { get; } = string.Join(", ", Key.Select(k => k + " DESC"));
    }

    private Task<Page<T>> PageAsync<T>(HistoryTable<T> t, MessageScope scope, PageRequest page, CancellationToken ct) =>
        ReadSqlAsync(async c =>
        {
            StoreRules.CheckScope(scope);
            var limit = StoreRules.Limit(page);
            var cursor = page.Before ?? page.After;
            var select = $"SELECT {t.Columns} FROM {t.Table} WHERE {t.Scope(scope.Kind)}";
            if (cursor is null)
                return ToPage(await c.QueryAsync($"{select} ORDER BY {t.Descending} LIMIT @p1", t.Read, scope.Id, limit + 1), limit, newer: false, t.Id);

            var key = await c.QueryAsync($"SELECT {t.Ascending} FROM {t.Table} WHERE id = @p0", t.ReadKey, cursor) is [var k]
                ? k : throw StoreRules.InvalidCursor(cursor);
            var keyArgs = string.Join(", ", key.Select((_, i) => $"@p{i + 1}"));
            var limitArg = $"@p{key.Length + 1}";
            object?[] args = [scope.Id, .. key, limit + 1];
            var rows = page.After is not null
                ? await c.QueryAsync($"{select} AND ({t.Ascending}) > ({keyArgs}) ORDER BY {t.Ascending} LIMIT {limitArg}", t.Read, args)
                : await c.QueryAsync($"{select} AND ({t.Ascending}) < ({keyArgs}) ORDER BY {t.Descending} LIMIT {limitArg}", t.Read, args);
            return ToPage(rows, limit, newer: page.After is not null, t.Id);
        }, ct);
}
