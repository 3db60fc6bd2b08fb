using Npgsql;

namespace Moltnet.Grains.Storage;

// When the log is durable. A write transaction commits without waiting for the disk (the event_counter row is free at
// once), then the same pipeline commits a flush row synchronously and only then notifies (PostgresWriteSession), so a
// NOTIFY payload and a completed write both name cursors that are on disk. Everyone else asks DurableEventCursorAsync.
public sealed partial class PostgresStore : IStoreWriterIdentity
{
    private long _durable;  // newest cursor this store has seen flushed
    private volatile int _writerProcessId;

    /// <summary>Asks the database only when the counter is ahead of what this store flushed itself: then one synchronous
    /// commit of its own (a flush row) makes everything visible to it durable, the counter value it read included.</summary>
    public override async Task<long> DurableEventCursorAsync(CancellationToken ct)
    {
        var newest = await ReadAsync(async c => (long)(await PostgresSetup.ScalarAsync(c, NewestCursor).ConfigureAwait(false))!, ct)
            .ConfigureAwait(false);
        if (newest <= Volatile.Read(ref _durable)) return newest;
        var flushed = await ReadAsync(async c =>
        {
            await using var batch = new NpgsqlBatch(c)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("BEGIN"),
                    new NpgsqlBatchCommand(NewestCursor),
                    new NpgsqlBatchCommand(FlushRow),
                    new NpgsqlBatchCommand("COMMIT"),
                },
            };
            long value;
            await using (var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                await reader.ReadAsync(ct).ConfigureAwait(false);
                value = reader.GetInt64(0);
                while (await reader.NextResultAsync(ct).ConfigureAwait(false)) { }
            }
            return value;
        }, ct).ConfigureAwait(false);
        Flushed(flushed);
        return flushed;
    }

    private const string NewestCursor = "SELECT value FROM event_counter WHERE id = 1";

    private const string FlushRow =
        "INSERT INTO write_flushes (backend_pid, cursor) SELECT pg_backend_pid(), value FROM event_counter WHERE id = 1 " +
        "ON CONFLICT (backend_pid) DO UPDATE SET cursor = EXCLUDED.cursor";

    /// <summary>Notifications sent by this store's writer connection: its commits reach the sink directly.</summary>
    public bool IsOwnWriterProcess(int processId) => processId != 0 && processId == _writerProcessId;

    private void Flushed(long cursor)
    {
        var seen = Volatile.Read(ref _durable);
        while (cursor > seen)
        {
            var was = Interlocked.CompareExchange(ref _durable, cursor, seen);
            if (was == seen) return;
            seen = was;
        }
    }
}

/// <summary>A store whose writer sends the event notifications a listener also receives.</summary>
public interface IStoreWriterIdentity
{
    /// <summary>True when <paramref name="processId"/> (a notification's sender) is this store's writer connection.</summary>
    bool IsOwnWriterProcess(int processId);
}
