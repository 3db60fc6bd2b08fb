namespace Moltnet.Grains.Storage;

/// <summary>
/// The domain operations of the SQL stores (<see cref="SqliteStore"/>, <see cref="PostgresStore"/>), written once over
/// the shared schema (<see cref="RelationalSchema"/>). A store supplies what differs: how a read gets a connection
/// (and maps its failures), how a write reaches the writer loop, and the few statements whose SQL differs.
/// </summary>
public abstract partial class RelationalStore
{
    private protected RelationalStore()
    {
    }

    public IEventSink? Sink { get; set; }

    /// <summary>True when a read connection answers <c>SELECT 1</c> and the writer can run a write request
    /// (<see cref="PingWrite"/>) in a transaction: false for a read-only or unreachable database. Never throws.</summary>
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            // SQLite answers a long, PostgreSQL an int.
            var read = await ReadSqlAsync(async c => await c.ScalarAsync("SELECT 1").ConfigureAwait(false) is 1L or 1, ct).ConfigureAwait(false);
            return read && await WriteSqlAsync(PingWrite, ct).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>The ping's write request; opening the transaction is the test unless a store needs more.</summary>
    private protected virtual bool PingWrite(ISqlWriter s) => true;

    /// <summary>Runs <paramref name="read"/> on a read connection; failures that mean "not now" surface as
    /// <see cref="StoreUnavailableException"/>.</summary>
    private protected abstract Task<T> ReadSqlAsync<T>(Func<ISqlReader, Task<T>> read, CancellationToken ct);

    /// <summary>Queues <paramref name="body"/> for the writer loop (one savepoint of a group commit). <paramref name="recover"/>
    /// may turn the request's own failure into a result, after its savepoint was rolled back.</summary>
    private protected abstract Task<T> WriteSqlAsync<T>(Func<ISqlWriter, T> body, CancellationToken ct,
        Func<ISqlWriter, Exception, (bool Ok, T Value)>? recover = null);

    /// <summary>Turns a synchronous throw while preparing a request into a faulted task, as callers expect.</summary>
    private protected static Task<T> Guarded<T>(Func<Task<T>> start)
    {
        try
        {
            return start();
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
    }
}
