using Npgsql;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Moltnet.Grains.Storage;

public sealed partial class PostgresStore
{
    /// <summary>Most requests one transaction takes (kept at PostgreSQL's 64 cached subtransactions per backend: each
    /// request runs in a savepoint).</summary>
    public const int MaxBatch = 64;

    private readonly Channel<WriteRequest> _queue;
    private readonly Task _writer;
    private PostgresWriteSession? _session; // writer loop only
    private int _disposed;

    /// <summary>Where the writer records its batch sizes (set by the host).</summary>
    internal Telemetry? Telemetry { get; set; }

    private Task<T> EnqueueAsync<T>(Func<PostgresWriteSession, T> body, CancellationToken ct,
        Func<PostgresWriteSession, Exception, (bool Ok, T Value)>? recover = null)
    {
        if (ct.IsCancellationRequested) return Task.FromCanceled<T>(ct);
        var request = new WriteRequest<T>(body, recover, ct);
        return _queue.Writer.TryWrite(request)
            ? request.Task
            : Task.FromException<T>(new ObjectDisposedException(nameof(PostgresStore)));
    }

    private void RunWriter()
    {
        var batch = new List<WriteRequest>(MaxBatch);
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var request))
                {
                    if (request.TryStart()) batch.Add(request);
                }
                if (batch.Count == 0) continue;
                // A pooled connection may have died while idle (server restart, pg_terminate_backend): nothing was
                // committed when the failure comes before COMMIT, so the batch is retried once on a fresh connection.
                if (!RunBatch(batch, retryOnConnectionLoss: true)) RunBatch(batch, retryOnConnectionLoss: false);
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

    /// <summary>One transaction for the whole batch, a savepoint per request, cursors allocated at commit
    /// (<see cref="PostgresWriteSession"/>). Returns false (having completed nothing) when the connection was lost before
    /// COMMIT and <paramref name="retryOnConnectionLoss"/> allows a retry.</summary>
    private bool RunBatch(List<WriteRequest> batch, bool retryOnConnectionLoss)
    {
        PostgresWriteSession session;
        var committing = false;
        try
        {
            session = _session ??= PostgresWriteSession.Open(_writerDataSource);
            _writerProcessId = session.ProcessId;
            session.Begin();
        }
        catch (Exception ex)
        {
            if (retryOnConnectionLoss && PostgresSetup.IsConnectionLoss(ex)) return Retry(ex);
            FailBatch(batch, ex);
            return true;
        }

        StoredEvent[] committed;
        try
        {
            foreach (var request in batch)
            {
                request.Reset();
                session.Savepoint();
                try
                {
                    request.Execute(session);
                    session.Release();
                }
                catch (Exception ex) when (!PostgresSetup.IsUnavailable(ex))
                {
                    session.RollbackToSavepoint();
                    request.SetError(ex, session);
                }
            }
            committing = true;
            committed = session.Commit(NotifyChannel);
        }
        catch (PostgresException ex) when (committing && !PostgresSetup.IsUnavailable(ex))
        {
            // The commit step refused a held-back statement (another replica stored the same message id since the
            // request checked): nothing committed. Alone, the request answers through its own error handling; in a batch,
            // each request runs again on its own so only the one at fault fails.
            session.TryRollback();
            if (batch.Count == 1)
            {
                batch[0].SetError(ex, session);
                batch[0].Complete();
                return true;
            }
            StoreLog.BatchIsolated(_logger, batch.Count, ex);
            foreach (var request in batch)
            {
                List<WriteRequest> alone = [request];
                if (!RunBatch(alone, retryOnConnectionLoss: true)) RunBatch(alone, retryOnConnectionLoss: false);
            }
            return true;
        }
        catch (Exception ex)
        {
            session.TryRollback();
            if (!committing && retryOnConnectionLoss && PostgresSetup.IsConnectionLoss(ex)) return Retry(ex);
            FailBatch(batch, ex);
            return true;
        }

        Telemetry?.RecordCommitBatch(batch.Count);
        if (committed.Length > 0) Flushed(committed[^1].Cursor);
        if (committed.Length > 0 && Sink is { } sink)
        {
            try
            {
                sink.OnCommitted(committed);
            }
            catch (Exception ex)
            {
                StoreLog.SinkFailed(_logger, ex);
            }
        }
        foreach (var request in batch) request.Complete();
        return true;
    }

    private bool Retry(Exception ex)
    {
        StoreLog.ConnectionLostRetrying(_logger, ex);
        DropSession();
        ClearPools();
        return false;
    }

    private void FailBatch(List<WriteRequest> batch, Exception ex)
    {
        StoreLog.BatchFailed(_logger, batch.Count, ex);
        DropSession();
        if (PostgresSetup.IsConnectionLoss(ex)) ClearPools();
        var error = PostgresSetup.IsUnavailable(ex) ? PostgresSetup.Map(ex) : new StoreUnavailableException($"storage write failed: {ex.Message}", ex);
        foreach (var request in batch) request.Fail(error);
    }

    /// <summary>Drops every pooled connection, the writer's and the readers': the server they reached is gone.</summary>
    private void ClearPools()
    {
        _writerDataSource.Clear();
        _dataSource.Clear();
    }

    private void DropSession()
    {
        _session?.Dispose();
        _session = null;
    }

    /// <summary>A queued write. The writer runs it at most once per attempt; a caller's cancellation wins only while it
    /// is queued.</summary>
    private abstract class WriteRequest
    {
        private int _state; // 0 queued, 1 taken by the writer, 2 cancelled

        protected bool TryCancel() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;

        public bool TryStart() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public abstract void Reset();

        public abstract void Execute(PostgresWriteSession session);

        /// <summary>Records the request's own failure (its savepoint is rolled back already).</summary>
        public abstract void SetError(Exception error, PostgresWriteSession? session);

        public abstract void Complete();

        public void Fail(Exception error)
        {
            SetError(error, null);
            Complete();
        }
    }

    private sealed class WriteRequest<T> : WriteRequest
    {
        private readonly Func<PostgresWriteSession, T> _body;
        private readonly Func<PostgresWriteSession, Exception, (bool Ok, T Value)>? _recover;
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenRegistration _registration;
        private T? _result;
        private Exception? _error;

        public WriteRequest(Func<PostgresWriteSession, T> body, Func<PostgresWriteSession, Exception, (bool Ok, T Value)>? recover, CancellationToken ct)
        {
            _body = body;
            _recover = recover;
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

        public override void Reset()
        {
            _result = default;
            _error = null;
        }

        public override void Execute(PostgresWriteSession session) => _result = _body(session);

        public override void SetError(Exception error, PostgresWriteSession? session)
        {
            if (session is not null && _recover is not null && _recover(session, error) is (true, var recovered))
            {
                _result = recovered;
                return;
            }
            _error = session is null ? error : PostgresSetup.Map(error);
        }

        public override void Complete()
        {
            _registration.Dispose();
            if (_error is not null) _completion.TrySetException(_error);
            else _completion.TrySetResult(_result!);
        }
    }
}
