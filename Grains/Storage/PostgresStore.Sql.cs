using System.Data.Common;
using Npgsql;

namespace Moltnet.Grains.Storage;

// What the shared operations of RelationalStore need from PostgreSQL: async commands on a pooled connection, the
// writer session (whose deferred statements are pipelined), and jsonb operators for JSON paths.
public sealed partial class PostgresStore
{
    private protected override Task<T> ReadSqlAsync<T>(Func<ISqlReader, Task<T>> read, CancellationToken ct) =>
        ReadAsync(c => read(new Reader(c)), ct);

    private protected override Task<T> WriteSqlAsync<T>(Func<ISqlWriter, T> body, CancellationToken ct,
        Func<ISqlWriter, Exception, (bool Ok, T Value)>? recover = null) =>
        EnqueueAsync(s => body(new Writer(s)), ct, recover is null ? null : (s, ex) => recover(new Writer(s), ex));

    /// <summary>Another writer stored the same message id before our commit: the unique index refused our row (after the
    /// other transaction committed), so the answer is <see cref="AppendOutcome.Duplicate"/>. With this, a message append
    /// reads nothing in the writer, so a batch of them is one round trip (the commit pipeline).</summary>
    private protected override Func<ISqlWriter, Exception, (bool Ok, AppendOutcome Value)>? AppendRace(string messageId) =>
        (s, ex) => ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && s.Scalar("SELECT 1 FROM messages WHERE id = @p0", messageId) is not null
            ? (true, AppendOutcome.Duplicate)
            : (false, default);

    /// <summary>Concurrent checks (one per message with a client-chosen id, from the conversation grains) share a query.</summary>
    public override Task<bool> MessageExistsAsync(string messageId, CancellationToken ct) => _messageIds.ContainsAsync(messageId, ct);

    /// <summary>The stored ones of <paramref name="ids"/>. Planned for its own array every time: prepared statements
    /// (Npgsql's auto-prepare) switch to a generic plan after five runs, and a generic plan made while <c>messages</c> was
    /// nearly empty (a new database) is a sequential scan, kept on that connection until the table is next analyzed. A
    /// busy new server spent a core scanning the growing table for every batch of lookups.</summary>
    internal Task<IReadOnlyCollection<string>> StoredMessageIdsAsync(string[] ids, CancellationToken ct) =>
        ReadAsync<IReadOnlyCollection<string>>(async c =>
        {
            // One round trip, one implicit transaction: the setting is local to it and governs the lookup after it.
            await using var batch = new NpgsqlBatch(c)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)"),
                    PostgresSetup.BatchCommand(LookupMessageIds, [ids]),
                },
            };
            await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await reader.NextResultAsync(ct).ConfigureAwait(false);
            var stored = new HashSet<string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) stored.Add(reader.GetString(0));
            return stored;
        }, ct);

    private const string LookupMessageIds = "SELECT id FROM messages WHERE id = ANY(@p0)";

    private protected override string DeleteRoomEventsSql => """
        DELETE FROM events WHERE payload_json::jsonb #>> '{room,id}' = @p0
            OR payload_json::jsonb #>> '{thread,room_id}' = @p0
            OR (payload_json::jsonb #>> '{message,target,room_id}' = @p0
                AND payload_json::jsonb #>> '{message,target,kind}' IN ('room', 'thread'))
        """;

    private sealed class Reader(NpgsqlConnection connection) : ISqlReader
    {
        public Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> map, params object?[] args) =>
            PostgresSetup.QueryAsync(connection, sql, map, args);

        public Task<object?> ScalarAsync(string sql, params object?[] args) => PostgresSetup.ScalarAsync(connection, sql, args);
    }

    private sealed class Writer(PostgresWriteSession session) : ISqlWriter
    {
        public int Execute(string sql, params object?[] args) => session.Execute(sql, args);

        public object? Scalar(string sql, params object?[] args) => session.Scalar(sql, args);

        public void Defer(string sql, params object?[] args) => session.Defer(sql, args);

        public StoredEvent[] AppendEvents(IReadOnlyList<PreparedEvent> events) => session.AppendEvents(events);

        public object CursorOf(StoredEvent[] stored, int index) => session.CursorOf(stored, index);
    }
}
