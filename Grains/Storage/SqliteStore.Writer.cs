using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Moltnet.Grains.Storage;

public sealed partial class SqliteStore
{
    /// <summary>Most requests one transaction takes.</summary>
    public const int MaxBatch = 512;

    private readonly Channel<WriteRequest> _queue;
    private readonly Task _writer;
    private SqliteWriteSession? _session; // writer loop only
    private volatile bool _writesFailing; // the last transaction failed because the store is unavailable (disk full, read-only, I/O)
    private int _disposed;

    /// <summary>Test hook: open the writer read-only, as SQLite does for a file the process may not write.</summary>
    internal volatile bool ForceReadOnlyWriter;

    /// <summary>Where group-commit sizes are recorded; set once at start-up (null in bare stores).</summary>
    internal Telemetry? Telemetry { get; set; }

    private Task<T> EnqueueAsync<T>(Func<SqliteWriteSession, T> body, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return Task.FromCanceled<T>(ct);
        var request = new WriteRequest<T>(body, ct);
        return _queue.Writer.TryWrite(request)
            ? request.Task
            : Task.FromException<T>(new ObjectDisposedException(nameof(SqliteStore)));
    }

    private async Task RunWriterAsync()
    {
        var batch = new List<WriteRequest>(MaxBatch);
        Activity.Current = null; // commit spans are roots, whatever was current when the store was built
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var request))
                {
                    if (request.TryStart()) batch.Add(request);
                }
                if (batch.Count > 0) RunBatch(batch);
            }
        }
        catch (Exception ex)
        {
            StoreLog.WriterCrashed(_logger, ex);
            var error = new StoreUnavailableException("the store writer stopped", ex);
            foreach (var request in batch) request.Fail(error);
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var request))
            {
                if (request.TryStart()) request.Fail(error);
            }
        }
        finally
        {
            DropSession();
        }
    }

    /// <summary>One transaction for the whole batch; each request in its own savepoint so that a stale, duplicate or
    /// invalid request rolls back only itself. The sink hears about the commit before any caller does.</summary>
    private void RunBatch(List<WriteRequest> batch)
    {
        SqliteWriteSession session;
        try
        {
            if (_session is not null && _session.ForcedReadOnly != ForceReadOnlyWriter) DropSession();
            session = _session ??= SqliteWriteSession.Open(DatabasePath, ForceReadOnlyWriter);
            session.Begin();
        }
        catch (Exception ex)
        {
            FailBatch(batch, ex);
            return;
        }

        using var activity = Telemetry.StartCommit(batch.Select(r => r.Trace), batch.Count);
        var events = session.BatchEvents;
        events.Clear();
        try
        {
            foreach (var request in batch)
            {
                var mark = events.Count;
                session.Savepoint();
                try
                {
                    request.Execute(session);
                    session.Release();
                }
                catch (Exception ex) when (!SqliteErrors.IsUnavailable(ex))
                {
                    session.RollbackToSavepoint();
                    events.RemoveRange(mark, events.Count - mark);
                    request.SetError(SqliteErrors.Map(ex));
                }
            }
            session.Commit();
            _writesFailing = false;
            Telemetry?.RecordCommitBatch(batch.Count);
        }
        catch (Exception ex)
        {
            session.TryRollback();
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            FailBatch(batch, ex);
            return;
        }

        if (events.Count > 0 && Sink is { } sink)
        {
            try
            {
                sink.OnCommitted(events.ToArray());
            }
            catch (Exception ex)
            {
                StoreLog.SinkFailed(_logger, ex);
            }
        }
        foreach (var request in batch) request.Complete();
    }

    private void FailBatch(List<WriteRequest> batch, Exception ex)
    {
        StoreLog.BatchFailed(_logger, batch.Count, ex);
        DropSession();
        if (SqliteErrors.IsUnavailable(ex))
        {
            _writesFailing = true;
            // Pooled readers opened while the file was read-only pin SQLite's per-file shared-memory state read-only
            // for every connection of this process, so the writer would keep failing after the file became writable.
            using var pooled = new Microsoft.Data.Sqlite.SqliteConnection(_readConnectionString);
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool(pooled);
        }
        var error = SqliteErrors.IsUnavailable(ex) ? SqliteErrors.Map(ex) : new StoreUnavailableException($"storage write failed: {ex.Message}", ex);
        foreach (var request in batch) request.Fail(error);
    }

    private void DropSession()
    {
        _session?.Dispose();
        _session = null;
    }

    /// <summary>A queued write. The writer runs it at most once; a caller's cancellation wins only while it is queued.</summary>
    private abstract class WriteRequest
    {
        private int _state; // 0 queued, 1 taken by the writer, 2 cancelled

        /// <summary>The caller's trace context, linked from the commit span.</summary>
        public ActivityContext Trace { get; } = Activity.Current?.Context ?? default;

        protected bool TryCancel() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;

        public bool TryStart() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public abstract void Execute(SqliteWriteSession session);

        public abstract void SetError(Exception error);

        /// <summary>Completes the caller's task with the result or the recorded error.</summary>
        public abstract void Complete();

        public void Fail(Exception error)
        {
            SetError(error);
            Complete();
        }
    }

    private sealed class WriteRequest<T> : WriteRequest
    {
        private readonly Func<SqliteWriteSession, T> _body;
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration _registration;
        private T? _result;
        private Exception? _error;

        public WriteRequest(Func<SqliteWriteSession, T> body, CancellationToken ct)
        {
            _body = body;
            if (ct.CanBeCanceled)
            {
                _registration = ct.Register(static (state, token) =>
                {
                    var self = (WriteRequest<T>)state!;
                    if (self.TryCancel()) self._completion.TrySetCanceled(token);
                }, this);
            }
        }

        public Task<T> Task => _completion.Task;

        public override void Execute(SqliteWriteSession session) => _result = _body(session);

        public override void SetError(Exception error) => _error = error;

        public override void Complete()
        {
            _registration.Dispose();
            if (_error is not null) _completion.TrySetException(_error);
            else _completion.TrySetResult(_result!);
        }
    }
}
