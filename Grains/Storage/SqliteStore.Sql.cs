using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace Moltnet.Grains.Storage;

// What the shared operations of RelationalStore need from SQLite: synchronous commands on the caller's connection
// (wrapped as completed tasks), the writer session and json_extract for JSON paths.
public sealed partial class SqliteStore
{
    /// <summary>The read runs synchronously on the pooled connection (SQLite commands complete before they return), so
    /// its failures reach <see cref="ReadAsync{T}"/>'s error mapping while the connection is open.</summary>
    private protected override Task<T> ReadSqlAsync<T>(Func<ISqlReader, Task<T>> read, CancellationToken ct) =>
        ReadAsync(c => read(new Reader(c)).GetAwaiter().GetResult(), ct);

    /// <summary>One writer per database file: nothing can write between a request's checks and its writes, so there is
    /// no race to recover from and no caller passes <paramref name="recover"/>.</summary>
    private protected override Task<T> WriteSqlAsync<T>(Func<ISqlWriter, T> body, CancellationToken ct,
        Func<ISqlWriter, Exception, (bool Ok, T Value)>? recover = null)
    {
        Debug.Assert(recover is null, "the SQLite writer has no concurrent writers to recover from");
        return EnqueueAsync(s => body(new Writer(s)), ct);
    }

    /// <summary>After a write failed because the store was unavailable (e.g. a full disk, where opening a transaction
    /// still works), the ping commits a one-page write (<c>PRAGMA user_version</c>, unused otherwise) and is healthy only
    /// once that succeeds, so readiness follows the writes both ways.</summary>
    private protected override bool PingWrite(ISqlWriter s)
    {
        if (_writesFailing) s.Execute($"PRAGMA user_version = {Environment.TickCount & 0x3FFFFFFF}");
        return true;
    }

    private protected override string DeleteRoomEventsSql => """
        DELETE FROM events WHERE json_extract(payload_json, '$.room.id') = @p0
            OR json_extract(payload_json, '$.thread.room_id') = @p0
            OR (json_extract(payload_json, '$.message.target.room_id') = @p0
                AND json_extract(payload_json, '$.message.target.kind') IN ('room', 'thread'))
        """;

    private sealed class Reader(SqliteConnection connection) : ISqlReader
    {
        public Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, params object?[] args) =>
            Task.FromResult(SqliteSetup.Query(connection, sql, map, args));

        public Task<object?> ScalarAsync(string sql, params object?[] args) =>
            Task.FromResult(SqliteSetup.Scalar(connection, sql, args));
    }

    /// <summary>SQLite has no pipelining: a deferred statement runs at once.</summary>
    private sealed class Writer(SqliteWriteSession session) : ISqlWriter
    {
        public int Execute(string sql, params object?[] args) => session.Execute(sql, args);

        public object? Scalar(string sql, params object?[] args) => session.Scalar(sql, args);

        public void Defer(string sql, params object?[] args) => session.Execute(sql, args);

        public StoredEvent[] AppendEvents(IReadOnlyList<PreparedEvent> events) => session.AppendEvents(events);

        public object CursorOf(StoredEvent[] stored, int index) => stored[index].Cursor;
    }
}
