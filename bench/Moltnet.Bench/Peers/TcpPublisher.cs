using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Moltnet.Bench.Peers;

/// <summary>Tells whether a line the server sent a publisher reports an error.</summary>
internal delegate bool LineIsError(ReadOnlySpan<byte> line);

/// <summary>Tells whether a line the server sent a publisher answers the <see cref="AckBarrier"/> request.</summary>
internal delegate bool LineIsAnswer(ReadOnlySpan<byte> line);

/// <summary>How an acknowledged publisher learns that the server processed its messages: <see cref="Request"/> (a
/// PING) is written after every batch, and the server's answer to it (recognised by <see cref="IsAnswer"/>)
/// acknowledges every message of that batch. This holds because the servers handle one connection's commands in order
/// (NATS, Redis and IRC all do), so the answer comes only after the messages before it were processed.</summary>
internal sealed record AckBarrier(byte[] Request, LineIsAnswer IsAnswer);

/// <summary>A publisher on a line-based TCP protocol: messages queue in a channel and one writer per connection sends
/// whatever is queued in one write (as a client library's pipelining would). Messages go round-robin over the
/// connections. A reader per connection drains the server's answers and counts errors. Pings are not answered: the peers'
/// configs the bench writes ping far less often than a system is measured. Without a <see cref="AckBarrier"/> a publish
/// is accepted once queued for the socket (the open-loop ladder); with one, once the server answered the barrier
/// written after it (the closed-loop <c>peers-ingest</c>).</summary>
internal sealed class TcpPublisher : Publisher
{
    private readonly Socket[] _sockets;
    private readonly Channel<Pending>[] _queues;
    private readonly ConcurrentQueue<List<TaskCompletionSource<string?>>>[] _unanswered;
    private readonly Func<long, byte[]> _format;
    private readonly LineIsError _isError;
    private readonly AckBarrier? _barrier;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _loops = [];
    private long _next;
    private long _errors;

    /// <summary>A queued message and, when acknowledged, what completes once the server answered its batch's barrier.</summary>
    private readonly record struct Pending(long Seq, TaskCompletionSource<string?>? Done);

    private TcpPublisher(Socket[] sockets, Func<long, byte[]> format, LineIsError isError, AckBarrier? barrier)
    {
        _sockets = sockets;
        _format = format;
        _isError = isError;
        _barrier = barrier;
        _queues = sockets.Select(_ => Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true })).ToArray();
        _unanswered = sockets.Select(_ => new ConcurrentQueue<List<TaskCompletionSource<string?>>>()).ToArray();
    }

    public override long AsyncErrors => Interlocked.Read(ref _errors);

    /// <summary>Starts the loops over already connected and handshaken sockets; with <paramref name="barrier"/>, each
    /// publish completes only when the server acknowledged it.</summary>
    public static TcpPublisher Start(Socket[] sockets, Func<long, byte[]> format, LineIsError isError, AckBarrier? barrier = null)
    {
        var p = new TcpPublisher(sockets, format, isError, barrier);
        for (var i = 0; i < sockets.Length; i++)
        {
            var index = i;
            p._loops.Add(Task.Run(() => p.WriteLoopAsync(index, p._cts.Token), CancellationToken.None));
            p._loops.Add(Task.Run(() => p.ReadLoopAsync(index, p._cts.Token), CancellationToken.None));
        }
        return p;
    }

    public override ValueTask<string?> PublishAsync(long seq, CancellationToken ct)
    {
        var i = (int)(Interlocked.Increment(ref _next) % _queues.Length);
        if (_barrier is null)
            return _queues[i].Writer.TryWrite(new Pending(seq, null)) ? ValueTask.FromResult<string?>(null) : ValueTask.FromResult<string?>("publisher closed");
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queues[i].Writer.TryWrite(new Pending(seq, done)) ? AcknowledgedAsync(done.Task, ct) : ValueTask.FromResult<string?>("publisher closed");
    }

    private static async ValueTask<string?> AcknowledgedAsync(Task<string?> answered, CancellationToken ct)
    {
        try
        {
            return await answered.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (!answered.IsCompleted)
        {
            return "no acknowledgement";
        }
    }

    private async Task WriteLoopAsync(int index, CancellationToken ct)
    {
        var reader = _queues[index].Reader;
        var batch = new MemoryStream(64 * 1024);
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                batch.SetLength(0);
                List<TaskCompletionSource<string?>>? waiting = _barrier is null ? null : [];
                while (batch.Length < 256 * 1024 && reader.TryRead(out var message))
                {
                    batch.Write(_format(message.Seq));
                    if (message.Done is { } done) waiting!.Add(done);
                }
                if (_barrier is not null)
                {
                    batch.Write(_barrier.Request);
                    _unanswered[index].Enqueue(waiting!); // before the write: the answer may come back at once
                }
                await _sockets[index].SendAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), SocketFlags.None, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            FailUnanswered(index, "connection closed", queued: true);
        }
    }

    /// <summary>Completes every publish still waiting for an answer on connection <paramref name="index"/> with
    /// <paramref name="error"/> (and, from the write loop, every one still queued).</summary>
    private void FailUnanswered(int index, string error, bool queued = false)
    {
        while (_unanswered[index].TryDequeue(out var batch))
            foreach (var done in batch) done.TrySetResult(error);
        while (queued && _queues[index].Reader.TryRead(out var message)) message.Done?.TrySetResult(error);
    }

    private async Task ReadLoopAsync(int index, CancellationToken ct)
    {
        var socket = _sockets[index];
        var buffer = new byte[64 * 1024];
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length) end = 0; // a line longer than the buffer: not one we need
                var n = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None, ct);
                if (n == 0) return;
                end += n;
                var start = 0;
                while (buffer.AsSpan(start, end - start).IndexOf((byte)'\n') is var nl and >= 0)
                {
                    var line = buffer.AsSpan(start, nl);
                    if (_barrier is not null && _barrier.IsAnswer(line) && _unanswered[index].TryDequeue(out var batch))
                    {
                        foreach (var done in batch) done.TrySetResult(null);
                    }
                    else if (_isError(line))
                    {
                        Interlocked.Increment(ref _errors);
                    }
                    start += nl + 1;
                }
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            FailUnanswered(index, "connection closed");
        }
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var q in _queues) q.Writer.TryComplete();
        await _cts.CancelAsync();
        foreach (var s in _sockets) s.Dispose();
        await Task.WhenAll(_loops);
        _cts.Dispose();
    }

    /// <summary>Connects <paramref name="count"/> sockets from loopback sources and runs <paramref name="handshake"/> on each.</summary>
    public static async Task<Socket[]> ConnectAsync(EndPoint server, int count, Func<Socket, int, Task> handshake, CancellationToken ct)
    {
        var sockets = new Socket[count];
        for (var i = 0; i < count; i++)
        {
            sockets[i] = await LoopbackSources.ConnectAsync(LoopbackSources.For(i), server, ct);
            await handshake(sockets[i], i);
        }
        return sockets;
    }
}
