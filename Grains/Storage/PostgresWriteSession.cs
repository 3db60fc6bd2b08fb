using Npgsql;

namespace Moltnet.Grains.Storage;

/// <summary>
/// One write transaction of the writer loop: <c>BEGIN</c>, lock the <c>event_counter</c> row, one <c>SAVEPOINT</c> per
/// request, cursors allocated from the locked counter, the counter written back, <c>COMMIT</c>. Because every writer
/// (on every replica) locks the counter row first and holds it until commit, writers are serialised at that row and
/// cursor order equals commit order; all other row locks are taken after it, so batches cannot deadlock each other.
/// </summary>
internal sealed class PostgresWriteSession : IDisposable
{
    private const string InsertEvent =
        "INSERT INTO events (cursor, id, type, created_at, payload_json) VALUES (@p0, @p1, @p2, @p3, @p4)";

    private readonly NpgsqlConnection _connection;
    private NpgsqlTransaction? _transaction;
    private long _counterAtBegin;
    private long _counter; // last allocated cursor
    private long _counterAtSavepoint;
    private readonly List<(string Sql, object?[] Args)> _pending = [];
    private bool _savepointSent;

    private const string SavepointSql = "SAVEPOINT w";

    private PostgresWriteSession(NpgsqlConnection connection) => _connection = connection;

    /// <summary>Events appended by the current batch, in cursor order.</summary>
    public List<StoredEvent> BatchEvents { get; } = new(256);

    public static PostgresWriteSession Open(NpgsqlDataSource dataSource) => new(dataSource.OpenConnection());

    /// <summary>Runs a statement now (with any deferred ones before it, in one round trip) and returns its row count.</summary>
    public int Execute(string sql, params object?[] args)
    {
        if (_pending.Count == 0) return PostgresSetup.Execute(_connection, sql, args);
        using var batch = PendingBatch(sql, args);
        batch.ExecuteNonQuery();
        return batch.BatchCommands[^1].RecordsAffected;
    }

    /// <summary>The first column of the statement's first row (null for none), deferred statements sent before it.</summary>
    public object? Scalar(string sql, params object?[] args)
    {
        if (_pending.Count == 0) return PostgresSetup.Scalar(_connection, sql, args);
        using var batch = PendingBatch(sql, args);
        using var reader = batch.ExecuteReader();
        do
        {
            if (reader.Read()) return reader.IsDBNull(0) ? null : reader.GetValue(0); // deferred statements return no rows
        } while (reader.NextResult());
        return null;
    }

    /// <summary>Queues a statement whose row count nobody checks; it is sent with the next statement or at the end of the
    /// request (<see cref="Release"/>), so a failure is still charged to the request that queued it.</summary>
    public void Defer(string sql, params object?[] args) => _pending.Add((sql, args));

    /// <summary>Sends the deferred statements.</summary>
    public void Flush()
    {
        if (_pending.Count == 0) return;
        using var batch = PendingBatch(null, []);
        batch.ExecuteNonQuery();
    }

    private NpgsqlBatch PendingBatch(string? sql, object?[] args)
    {
        var batch = new NpgsqlBatch(_connection);
        foreach (var (pendingSql, pendingArgs) in _pending) batch.BatchCommands.Add(BatchCommand(pendingSql, pendingArgs));
        if (sql is not null) batch.BatchCommands.Add(BatchCommand(sql, args));
        if (_pending.Exists(p => ReferenceEquals(p.Sql, SavepointSql))) _savepointSent = true;
        _pending.Clear();
        return batch;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, object?[] args)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < args.Length; i++) command.Parameters.Add(PostgresSetup.Parameter(i, args[i]));
        return command;
    }

    /// <summary>Begins the transaction and locks the cursor counter.</summary>
    public void Begin()
    {
        _transaction = _connection.BeginTransaction();
        _counterAtBegin = _counter = (long)Scalar("SELECT value FROM event_counter WHERE id = 1 FOR UPDATE")!;
        BatchEvents.Clear();
    }

    /// <summary>Writes the counter back (if cursors were allocated) and commits.</summary>
    public void Commit()
    {
        Flush();
        if (_counter != _counterAtBegin) Execute("UPDATE event_counter SET value = @p0 WHERE id = 1", _counter);
        _transaction!.Commit();
        _transaction.Dispose();
        _transaction = null;
    }

    /// <summary>Opens the request's savepoint (sent with the request's first statement).</summary>
    public void Savepoint()
    {
        _pending.Clear();
        _savepointSent = false;
        Defer(SavepointSql);
        _counterAtSavepoint = _counter;
    }

    /// <summary>Ends the request: its deferred statements and the savepoint release go in one round trip.</summary>
    public void Release()
    {
        Defer("RELEASE SAVEPOINT w");
        Flush();
    }

    /// <summary>Undoes the current request, its cursors included (so cursors stay gap-free).</summary>
    public void RollbackToSavepoint()
    {
        _pending.Clear();
        if (_savepointSent) PostgresSetup.Execute(_connection, "ROLLBACK TO SAVEPOINT w; RELEASE SAVEPOINT w");
        _savepointSent = false;
        _counter = _counterAtSavepoint;
    }

    /// <summary>Rolls back whatever is open; never throws.</summary>
    public void TryRollback()
    {
        _pending.Clear();
        try
        {
            _transaction?.Rollback();
        }
        catch (Exception)
        {
            // The connection is dropped next; the server rolls back on disconnect.
        }
        _transaction?.Dispose();
        _transaction = null;
    }

    /// <summary>Notifies listening replicas of the newest committed cursor (outside any transaction).</summary>
    public void Notify(long cursor) =>
        Execute("SELECT pg_notify(@p0, @p1)", PostgresStore.NotifyChannel, cursor.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Inserts a conditional row: <paramref name="expectedVersion"/> 0 inserts (the row must not exist), otherwise
    /// updates the row at that version.</summary>
    public void WriteVersioned(string what, string id, long expectedVersion, string insertSql, string updateSql, object?[] row)
    {
        var changed = expectedVersion == 0 ? Execute(insertSql, row) : Execute(updateSql, [.. row, expectedVersion]);
        if (changed != 1) throw StoreRules.Stale(what, id, expectedVersion);
    }

    /// <summary>Deletes a row at <paramref name="expectedVersion"/>; 0 means the row must not exist.</summary>
    public void DeleteVersioned(string what, string id, long expectedVersion, string existsSql, string deleteSql, object?[] key)
    {
        var ok = expectedVersion == 0 ? Scalar(existsSql, key) is null : Execute(deleteSql, [.. key, expectedVersion]) == 1;
        if (!ok) throw StoreRules.Stale(what, id, expectedVersion);
    }

    /// <summary>Allocates cursors from the locked counter and appends the events (deferred) to the log and <see cref="BatchEvents"/>.</summary>
    public StoredEvent[] AppendEvents(IReadOnlyList<PreparedEvent> events)
    {
        if (events.Count == 0) return [];
        var stored = new StoredEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var cursor = _counter + 1 + i;
            Defer(InsertEvent, cursor, e.Event.Id, e.Event.Type, e.CreatedAt, e.Payload);
            stored[i] = new StoredEvent(cursor, e.Event);
        }
        _counter += events.Count;
        BatchEvents.AddRange(stored);
        return stored;
    }

    public void Dispose()
    {
        TryRollback();
        _connection.Dispose();
    }
}
