using System.Text.RegularExpressions;
using Npgsql;

namespace Moltnet.Grains.Storage;

/// <summary>
/// One write transaction of the writer loop. The requests of a batch run first, each in its own <c>SAVEPOINT</c>,
/// without any global lock: their events are only collected, and statements that need an event's cursor (a message's
/// <c>seq</c>) are held back. <see cref="Commit"/> then sends one pipeline: lock the <c>event_counter</c> row and advance it
/// by the batch's event count, insert the events and the held-back statements at <c>base + ordinal</c>, <c>COMMIT</c>
/// without waiting for the disk (<c>synchronous_commit = off</c>, local to that transaction); then, in the same round trip,
/// a transaction that updates the connection's <c>write_flushes</c> row and commits synchronously (which flushes the WAL
/// past the batch's commit record), and last the <c>NOTIFY</c> in a transaction of its own. Every writer (on every
/// replica) takes the counter row in the final part of its write transaction and holds it until that commit, so cursor
/// order equals commit order; the lock is taken and released inside one round trip, so a writer never holds it while it
/// waits for its own process to be scheduled (the convoy that made three replicas on two cores slower than one), nor
/// while its WAL is flushed: replicas' flushes overlap, and one fsync serves every commit written before it. The round trip
/// returns, and the callers hear of their writes, only once the batch is durable; a listener hears of it only then too.
/// A request that sent nothing before its end and queued nothing but held-back statements (a room message append: all
/// its rows wait for the cursor) needs no round trip and no savepoint of its own, so a batch of them is one round trip in
/// all: the commit pipeline.
/// </summary>
internal sealed class PostgresWriteSession : IDisposable
{
    private const string CursorBase = "moltnet.cursor_base";
    private const string SavepointSql = "SAVEPOINT w";

    // The cursor base is a session setting (not local to the transaction): the flush and the notification, which run
    // after the COMMIT, name the batch's newest cursor with it. The write transaction itself commits asynchronously.
    private const string AllocateCursors =
        "WITH c AS (UPDATE event_counter SET value = value + @p0 WHERE id = 1 RETURNING value - @p0 AS base) " +
        $"SELECT base, set_config('{CursorBase}', base::text, false), set_config('synchronous_commit', 'off', true) FROM c";

    private const string Newest = $"current_setting('{CursorBase}')::bigint + @p0";

    private const string RecordFlush =
        $"INSERT INTO write_flushes (backend_pid, cursor) VALUES (pg_backend_pid(), {Newest}) " +
        "ON CONFLICT (backend_pid) DO UPDATE SET cursor = EXCLUDED.cursor";

    private const string InsertEvents =
        "INSERT INTO events (cursor, id, type, created_at, payload_json) " +
        $"SELECT current_setting('{CursorBase}')::bigint + t.ord, t.id, t.type, t.created_at, t.payload " +
        "FROM unnest(@p0::text[], @p1::text[], @p2::text[], @p3::text[]) WITH ORDINALITY AS t(id, type, created_at, payload, ord)";

    private const string NotifyNewest = $"SELECT pg_notify(@p1, ({Newest})::text)";

    private readonly NpgsqlConnection _connection;
    private bool _inTransaction;
    private bool _beginPending; // BEGIN goes out with the transaction's first statement, not in a round trip of its own
    private readonly List<(string Sql, object?[] Args)> _pending = [];
    private bool _savepointSent;

    // The batch's events in order (ordinal = index + 1), the arrays handed to requests (patched with real cursors at
    // commit), and the statements waiting for cursors; each with the request's mark for a rollback to its savepoint.
    private readonly List<PreparedEvent> _events = new(256);
    private readonly List<(StoredEvent[] Stored, int FirstOrdinal)> _handedOut = [];
    private readonly List<(string Sql, object?[] Args)> _sequenced = [];
    private (int Events, int HandedOut, int Sequenced) _mark;
    private readonly Dictionary<(string Sql, int Slot), string> _atCommit = [];

    private PostgresWriteSession(NpgsqlConnection connection) => _connection = connection;

    public static PostgresWriteSession Open(NpgsqlDataSource dataSource) => new(dataSource.OpenConnection());

    /// <summary>The server process of this session's connection (the sender of its notifications).</summary>
    public int ProcessId => _connection.ProcessID;

    /// <summary>Runs a statement now (with any deferred ones before it, in one round trip) and returns its row count.</summary>
    public int Execute(string sql, params object?[] args)
    {
        if (_pending.Count == 0 && !_beginPending) return PostgresSetup.Execute(_connection, sql, args);
        using var batch = PendingBatch(sql, args);
        batch.ExecuteNonQuery();
        return batch.BatchCommands[^1].RecordsAffected;
    }

    /// <summary>The first column of the statement's first row (null for none), deferred statements sent before it.</summary>
    public object? Scalar(string sql, params object?[] args)
    {
        if (_pending.Count == 0 && !_beginPending) return PostgresSetup.Scalar(_connection, sql, args);
        using var batch = PendingBatch(sql, args);
        using var reader = batch.ExecuteReader();
        do
        {
            if (reader.Read()) return reader.IsDBNull(0) ? null : reader.GetValue(0); // deferred statements return no rows
        } while (reader.NextResult());
        return null;
    }

    /// <summary>Queues a statement whose row count nobody checks; it is sent with the next statement or at the end of the
    /// request (<see cref="Release"/>), so a failure is still charged to the request that queued it. A statement with a
    /// <see cref="CursorOf"/> argument waits for the commit instead, where the cursor is known.</summary>
    public void Defer(string sql, params object?[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is not PendingCursor cursor) continue;
            args[i] = (long)cursor.Ordinal;
            if (!_atCommit.TryGetValue((sql, i), out var rewritten))
            {
                rewritten = Regex.Replace(sql, $@"@p{i}\b", $"(current_setting('{CursorBase}')::bigint + @p{i})");
                _atCommit[(sql, i)] = rewritten;
            }
            _sequenced.Add((rewritten, args));
            return;
        }
        _pending.Add((sql, args));
    }

    /// <summary>The cursor an event of this batch will get, as an argument for <see cref="Defer"/>.</summary>
    public object CursorOf(StoredEvent[] stored, int index)
    {
        foreach (var (array, first) in _handedOut)
            if (ReferenceEquals(array, stored)) return new PendingCursor(first + index);
        throw new ArgumentException("not an event array of this batch", nameof(stored));
    }

    private sealed record PendingCursor(int Ordinal);

    /// <summary>Many rows of <see cref="RelationalSchema.InsertMessage"/> as one <c>INSERT … SELECT FROM unnest</c>: one
    /// text array per column and the cursor ordinals (<c>seq</c>, the last column) as a bigint array.</summary>
    private static class MessageRows
    {
        private static readonly string[] Names = Regex.Match(RelationalSchema.InsertMessage, @"\(([^)]*)\)").Groups[1].Value
            .Split(',', StringSplitOptions.TrimEntries);

        public static readonly string Sql =
            $"INSERT INTO messages ({string.Join(", ", Names)}) " +
            $"SELECT {string.Join(", ", Names[..^1].Select(n => "t." + n))}, current_setting('{CursorBase}')::bigint + t.{Names[^1]} " +
            $"FROM unnest({string.Join(", ", Names[..^1].Select((_, i) => $"@p{i}::text[]"))}, @p{Names.Length - 1}::bigint[]) " +
            $"AS t({string.Join(", ", Names)})";

        /// <summary>The column arrays of the <paramref name="count"/> statements of <paramref name="sequenced"/> whose text
        /// is <paramref name="sql"/>, in order.</summary>
        public static object?[] Columns(List<(string Sql, object?[] Args)> sequenced, string sql, int count)
        {
            var columns = new object?[Names.Length];
            for (var c = 0; c < Names.Length - 1; c++) columns[c] = new string?[count];
            var ordinals = new long[count];
            columns[^1] = ordinals;
            var row = 0;
            foreach (var (text, args) in sequenced)
            {
                if (!ReferenceEquals(text, sql)) continue;
                for (var c = 0; c < Names.Length - 1; c++) ((string?[])columns[c]!)[row] = (string?)args[c];
                ordinals[row++] = (long)args[^1]!;
            }
            return columns;
        }
    }

    /// <summary>Sends the deferred statements.</summary>
    public void Flush()
    {
        if (_pending.Count == 0) return;  // a pending BEGIN alone waits for a statement
        using var batch = PendingBatch(null, []);
        batch.ExecuteNonQuery();
    }

    private NpgsqlBatch PendingBatch(string? sql, object?[] args)
    {
        var batch = new NpgsqlBatch(_connection);
        AddBegin(batch);
        foreach (var (pendingSql, pendingArgs) in _pending) batch.BatchCommands.Add(BatchCommand(pendingSql, pendingArgs));
        if (sql is not null) batch.BatchCommands.Add(BatchCommand(sql, args));
        if (_pending.Exists(p => ReferenceEquals(p.Sql, SavepointSql))) _savepointSent = true;
        _pending.Clear();
        return batch;
    }

    private void AddBegin(NpgsqlBatch batch)
    {
        if (!_beginPending) return;
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        _beginPending = false;
        _inTransaction = true;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, object?[] args) => PostgresSetup.BatchCommand(sql, args);

    /// <summary>Begins the transaction (no lock yet; <c>BEGIN</c> is sent with the first statement).</summary>
    public void Begin()
    {
        _events.Clear();
        _handedOut.Clear();
        _sequenced.Clear();
        _pending.Clear();
        _beginPending = true;
    }

    /// <summary>Allocates the batch's cursors, writes its events and held-back statements, notifies listeners and commits,
    /// in one round trip. Returns the committed events in cursor order. A <see cref="PostgresException"/> from here means
    /// the transaction did not commit (and is rolled back by <see cref="TryRollback"/>); any other failure leaves the
    /// outcome unknown.</summary>
    public StoredEvent[] Commit(string notifyChannel)
    {
        Flush();
        if (_events.Count == 0 && _sequenced.Count == 0)
        {
            if (_inTransaction) PostgresSetup.Execute(_connection, "COMMIT");
            _inTransaction = _beginPending = false;
            return [];
        }
        using var batch = new NpgsqlBatch(_connection);
        AddBegin(batch);
        batch.BatchCommands.Add(BatchCommand(AllocateCursors, [(long)_events.Count]));
        batch.BatchCommands.Add(BatchCommand(InsertEvents,
        [
            _events.Select(e => e.Event.Id).ToArray(), _events.Select(e => e.Event.Type).ToArray(),
            _events.Select(e => e.CreatedAt).ToArray(), _events.Select(e => e.Payload).ToArray(),
        ]));
        AddSequenced(batch);
        var commit = new NpgsqlBatchCommand("COMMIT");
        batch.BatchCommands.Add(commit);
        // Durability, after the counter row is free: a synchronous commit flushes the WAL up to its own commit record,
        // so past the batch's. Then, in a transaction of its own (NOTIFY serialises committing transactions), the
        // notification: it reaches the listeners only once the batch is on disk.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(BatchCommand(RecordFlush, [(long)_events.Count]));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        batch.BatchCommands.Add(BatchCommand(NotifyNewest, [(long)_events.Count, notifyChannel]));
        long cursorBase;
        try
        {
            using var reader = batch.ExecuteReader();
            if (!reader.Read()) throw new InvalidOperationException("the event_counter row is missing");
            cursorBase = reader.GetInt64(0);
            while (reader.NextResult()) { }
        }
        catch (PostgresException e) when (e.BatchCommand is { } failed && batch.BatchCommands.IndexOf(failed) > batch.BatchCommands.IndexOf(commit))
        {
            // The batch committed but is not known to be durable: the outcome is unknown to the callers (they retry with
            // their ids), and the events reach the replicas with the next flush or poll.
            _inTransaction = true; // whatever is open after the failure is rolled back
            throw new StoreUnavailableException($"storage flush failed after the commit: {e.Message}", e);
        }
        _inTransaction = false;

        var committed = new StoredEvent[_events.Count];
        for (var i = 0; i < committed.Length; i++) committed[i] = new StoredEvent(cursorBase + i + 1, _events[i].Event, _events[i].Payload);
        foreach (var (stored, first) in _handedOut)
            for (var i = 0; i < stored.Length; i++) stored[i] = committed[first - 1 + i];
        return committed;
    }

    /// <summary>The held-back statements, in order, except that the batch's message rows go in as one statement from arrays
    /// (at the place of the first of them: whatever needed a message row before still finds it), instead of a statement,
    /// its fourteen parameters and its own execution per message.</summary>
    private void AddSequenced(NpgsqlBatch batch)
    {
        _atCommit.TryGetValue((RelationalSchema.InsertMessage, RelationalSchema.MessageSeqSlot), out var messageSql);
        var messages = 0;
        foreach (var (sql, _) in _sequenced)
            if (ReferenceEquals(sql, messageSql)) messages++;
        var grouped = false;
        foreach (var (sql, args) in _sequenced)
        {
            if (messages < 2 || !ReferenceEquals(sql, messageSql)) batch.BatchCommands.Add(BatchCommand(sql, args));
            else if (!grouped)
            {
                batch.BatchCommands.Add(BatchCommand(MessageRows.Sql, MessageRows.Columns(_sequenced, messageSql!, messages)));
                grouped = true;
            }
        }
    }

    /// <summary>Opens the request's savepoint (sent with the request's first statement).</summary>
    public void Savepoint()
    {
        _pending.Clear();
        _savepointSent = false;
        Defer(SavepointSql);
        _mark = (_events.Count, _handedOut.Count, _sequenced.Count);
    }

    /// <summary>Ends the request: its deferred statements and the savepoint release go in one round trip.</summary>
    public void Release()
    {
        if (!_savepointSent && _pending is [{ Sql: SavepointSql }])
        {
            _pending.Clear(); // nothing to undo until the commit, which stands or falls as a whole
            return;
        }
        Defer("RELEASE SAVEPOINT w");
        Flush();
    }

    /// <summary>Undoes the current request, its events and held-back statements included.</summary>
    public void RollbackToSavepoint()
    {
        _pending.Clear();
        if (_savepointSent) PostgresSetup.Execute(_connection, "ROLLBACK TO SAVEPOINT w; RELEASE SAVEPOINT w");
        _savepointSent = false;
        _events.RemoveRange(_mark.Events, _events.Count - _mark.Events);
        _handedOut.RemoveRange(_mark.HandedOut, _handedOut.Count - _mark.HandedOut);
        _sequenced.RemoveRange(_mark.Sequenced, _sequenced.Count - _mark.Sequenced);
    }

    /// <summary>Rolls back whatever is open; never throws.</summary>
    public void TryRollback()
    {
        _pending.Clear();
        _beginPending = false;
        if (!_inTransaction) return;
        _inTransaction = false;
        try
        {
            PostgresSetup.Execute(_connection, "ROLLBACK");
        }
        catch (Exception)
        {
            // The connection is dropped next; the server rolls back on disconnect.
        }
    }

    /// <summary>Adds events to the batch. The returned array gets the events' cursors when the batch commits (the
    /// request's result is read only after that); use <see cref="CursorOf"/> for a statement that needs one.</summary>
    public StoredEvent[] AppendEvents(IReadOnlyList<PreparedEvent> events)
    {
        if (events.Count == 0) return [];
        var stored = new StoredEvent[events.Count];
        for (var i = 0; i < events.Count; i++) stored[i] = new StoredEvent(0, events[i].Event);
        _handedOut.Add((stored, _events.Count + 1));
        _events.AddRange(events);
        return stored;
    }

    public void Dispose()
    {
        TryRollback();
        _connection.Dispose();
    }
}
