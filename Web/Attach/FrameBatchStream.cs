using System.Buffers;

namespace Moltnet.Web.Attach;

/// <summary>The stream under an attachment's WebSocket. It writes through, except while <see cref="Hold"/> is on: then the
/// WebSocket's frames collect in a buffer and reach the connection in one write (one flush, one send) when holding stops.
/// A burst of events to one session costs one syscall instead of one per frame; a quiet session is never held.
/// Writes stay in order: a write-through first writes what is held. Up to <see cref="MaxHeldBytes"/> are held.</summary>
public sealed class FrameBatchStream(Stream inner) : Stream
{
    public const int MaxHeldBytes = 64 * 1024;

    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Lock _lock = new();
    private ArrayBufferWriter<byte>? _held; // allocated on the first held write: an idle session holds no buffer
    private ArrayBufferWriter<byte>? _spare;
    private readonly CancellationTokenSource _disposed = new();
    private bool _holding;

    /// <summary>Later writes are held until <see cref="StopHolding"/> or <see cref="ReleaseAsync"/>.</summary>
    public void Hold()
    {
        lock (_lock) _holding = true;
    }

    /// <summary>Later writes go through (after what is held).</summary>
    public void StopHolding()
    {
        lock (_lock) _holding = false;
    }

    /// <summary>Stops holding and writes what is held, in one write.</summary>
    public async ValueTask ReleaseAsync(CancellationToken ct)
    {
        StopHolding();
        await _writing.WaitAsync(ct);
        try
        {
            await WriteHeldAsync(ct);
        }
        finally
        {
            _writing.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_holding && (_held?.WrittenCount ?? 0) + buffer.Length <= MaxHeldBytes)
            {
                (_held ??= new ArrayBufferWriter<byte>(4096)).Write(buffer.Span);
                return;
            }
        }
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await WriteHeldAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Writes the held bytes (caller holds <see cref="_writing"/>). Buffers swap so a write held meanwhile (a pong
    /// the WebSocket answers from its read side) lands in the other buffer.</summary>
    private async ValueTask WriteHeldAsync(CancellationToken ct)
    {
        ArrayBufferWriter<byte> taken;
        lock (_lock)
        {
            if (_held is not { WrittenCount: > 0 }) return;
            taken = _held;
            _held = _spare;
            _spare = null;
        }
        await inner.WriteAsync(taken.WrittenMemory, ct);
        taken.ResetWrittenCount();
        lock (_lock) _spare ??= taken;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>Reads end when the stream is disposed (the WebSocket aborted): the upgraded connection's own stream does
    /// not end a pending read on dispose.</summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled) return await inner.ReadAsync(buffer, _disposed.Token);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        return await inner.ReadAsync(buffer, linked.Token);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>While holding, a flush waits for the release; otherwise the inner stream flushes.</summary>
    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
            if (_holding) return;
        await ReleaseAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    public override void Flush() => FlushAsync().GetAwaiter().GetResult();

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed.Cancel();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
