using Microsoft.Data.Sqlite;
using Moltnet.Wire;

namespace Moltnet.Grains.Storage;

/// <summary>
/// The single writer connection with its prepared commands. Used only by the writer loop, one batch at a time:
/// <c>BEGIN IMMEDIATE</c>, one <c>SAVEPOINT</c> per request, one <c>COMMIT</c>.
/// </summary>
internal sealed class SqliteWriteSession : IDisposable
{
    private const string InsertEvent =
        "INSERT INTO events (id, type, created_at, payload_json) VALUES (@p0, @p1, @p2, @p3)";

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    private SqliteWriteSession(SqliteConnection connection, bool forcedReadOnly)
    {
        _connection = connection;
        ForcedReadOnly = forcedReadOnly;
    }

    /// <summary>Events appended by the current batch, in cursor order.</summary>
    public List<StoredEvent> BatchEvents { get; } = new(1024);

    /// <summary>Opened read-only on purpose (test hook simulating a file the process may not write).</summary>
    public bool ForcedReadOnly { get; }

    public static SqliteWriteSession Open(string path, bool forceReadOnly)
    {
        var connection = new SqliteConnection(SqliteSetup.WriterConnectionString(path, forceReadOnly));
        try
        {
            connection.Open();
            SqliteSetup.ConfigureWriter(connection);
            if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
                throw new StoreUnavailableException($"the database \"{path}\" is read-only");
            return new SqliteWriteSession(connection, forceReadOnly);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public int Execute(string sql, params object?[] args) => Prepare(sql, args).ExecuteNonQuery();

    public object? Scalar(string sql, params object?[] args) => Prepare(sql, args).ExecuteScalar();

    public void Begin() => Execute("BEGIN IMMEDIATE");

    public void Commit() => Execute("COMMIT");

    public void Savepoint() => Execute("SAVEPOINT w");

    public void Release() => Execute("RELEASE w");

    public void RollbackToSavepoint()
    {
        Execute("ROLLBACK TO w");
        Execute("RELEASE w");
    }

    /// <summary>Rolls back whatever is open; never throws (the session is dropped afterwards anyway).</summary>
    public void TryRollback()
    {
        try
        {
            if (!_connection.Handle!.IsInvalid && SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
                Execute("ROLLBACK");
        }
        catch (Exception)
        {
            // The connection is disposed next; SQLite rolls back on close.
        }
    }

    /// <summary>Appends events to the log and to <see cref="BatchEvents"/>; returns them with their cursors.</summary>
    public StoredEvent[] AppendEvents(IReadOnlyList<PreparedEvent> events)
    {
        if (events.Count == 0) return [];
        var stored = new StoredEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Execute(InsertEvent, e.Event.Id, e.Event.Type, e.CreatedAt, e.Payload);
            var cursor = SQLitePCL.raw.sqlite3_last_insert_rowid(_connection.Handle); // the cursor (rowid alias)
            stored[i] = new StoredEvent(cursor, e.Event, e.Payload);
            BatchEvents.Add(stored[i]);
        }
        return stored;
    }

    private SqliteCommand Prepare(string sql, object?[] args)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < args.Length; i++) command.Parameters.Add(new SqliteParameter(SqliteSetup.ParameterNames[i], null));
            _commands[sql] = command;
        }
        for (var i = 0; i < args.Length; i++) command.Parameters[i].Value = args[i] ?? DBNull.Value;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
        _connection.Dispose();
    }
}

/// <summary>An event serialised ahead of the writer (JSON and time text are built on the caller's thread).</summary>
internal sealed record PreparedEvent(Event Event, string CreatedAt, string Payload)
{
    public static PreparedEvent[] From(IReadOnlyList<Event> events)
    {
        StoreRules.CheckEvents(events);
        if (Telemetry.Source.HasListeners()) EventTrace.StampCurrent(events); // the writer thread has no caller context
        var prepared = new PreparedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
            prepared[i] = new PreparedEvent(events[i], StoreTime.ToText(events[i].CreatedAt), MoltnetJson.Serialize(events[i]));
        return prepared;
    }
}
