using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Moltnet.Grains.Storage;

/// <summary>
/// The <c>postgres</c> backend (design §3, §4; spec server-protocol §7): shared storage for one server or a cluster of
/// replicas. Writes go through one writer loop per store that group-commits the pending requests in one transaction
/// (a savepoint each, as <see cref="SqliteStore"/> does). Every write transaction ends with one pipeline that locks the
/// single <c>event_counter</c> row, allocates the batch's event cursors from it, writes the events and commits
/// (<see cref="PostgresWriteSession"/>), so cursors are gap-free and strictly increasing in commit order across all
/// replicas: a reader polling <see cref="ReadEventsAfterAsync"/> never skips an event that commits late. The write
/// commits before its WAL is on disk and the same pipeline then flushes it and sends
/// <c>NOTIFY moltnet_events, '&lt;newest cursor&gt;'</c> (<see cref="DurableEventCursorAsync"/> says how far the log is
/// durable). After each durable commit the sink hears the batch's events (cursor order, one caller), then the writers'
/// tasks complete. Reads use pooled connections from one <see cref="NpgsqlDataSource"/>; the writer has one of its own
/// (<see cref="PostgresSetup.StoreConnectionStrings"/>).
/// Lost connections and server errors that mean "not now" surface as <see cref="StoreUnavailableException"/>; the pool
/// reconnects on the next request.
/// </summary>
public sealed partial class PostgresStore : RelationalStore, IMoltnetStore
{
    /// <summary>The channel replicas listen on; the payload is the newest committed cursor (decimal text).</summary>
    public const string NotifyChannel = "moltnet_events";

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _writerDataSource; // the writer loop's one connection (PostgresSetup.StoreConnectionStrings)
    private readonly ILogger _logger;
    private readonly CoalescedLookup _messageIds;

    /// <summary>Creates the store for <paramref name="dsn"/> (keyword form or <c>postgres://</c> URL); connects lazily.</summary>
    public PostgresStore(string dsn, ILogger<PostgresStore>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var (readers, writer) = PostgresSetup.StoreConnectionStrings(dsn);
        _dataSource = new NpgsqlDataSourceBuilder(readers).Build();
        _writerDataSource = new NpgsqlDataSourceBuilder(writer).Build();
        _messageIds = new CoalescedLookup(StoredMessageIdsAsync);
        _queue = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions
        {
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
        _writer = Task.Factory.StartNew(RunWriter, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public Task MigrateAsync(CancellationToken ct) => Task.Run(() =>
    {
        try
        {
            using var connection = _dataSource.OpenConnection();
            PostgresMigrations.Apply(connection, _logger);
        }
        catch (Exception ex) when (PostgresSetup.IsUnavailable(ex))
        {
            throw PostgresSetup.Map(ex);
        }
    }, ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await _writerDataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs a read on a pooled connection (one retry on a fresh connection when a pooled one turns out to be
    /// dead), mapping failures to <see cref="StoreUnavailableException"/>.</summary>
    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await read(connection).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (attempt == 0 && PostgresSetup.IsConnectionLoss(ex) && !ct.IsCancellationRequested)
            {
                _dataSource.Clear(); // drop the other pooled connections of the lost server too
            }
            catch (Exception ex) when (PostgresSetup.IsUnavailable(ex))
            {
                throw PostgresSetup.Map(ex);
            }
        }
    }
}
