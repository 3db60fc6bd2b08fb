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
