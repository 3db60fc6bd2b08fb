using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Moltnet.Bench.Peers;

/// <summary>Tells whether a line the server sent a publisher reports an error.</summary>
internal delegate bool LineIsError(ReadOnlySpan<byte> line);

/// <summary>A publisher on a line-based TCP protocol: messages queue in a channel and one writer per connection sends
/// whatever is queued in one write (as a client library's pipelining would). Messages go round-robin over the
/// connections. A reader per connection drains the server's answers and counts errors. Pings are not answered: the peers'
/// configs the bench writes ping far less often than a system is measured.</summary>
internal sealed class TcpPublisher : Publisher
{
    private readonly Socket[] _sockets;
    private readonly Channel<long>[] _queues;
    private readonly Func<long, byte[]> _format;
    private readonly LineIsError _isError;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<Task> _loops = [];
    private long _next;
    private long _errors;

    private TcpPublisher(Socket[] sockets, Func<long, byte[]> format, LineIsError isError)
    {
        _sockets = sockets;
        _format = format;
        _isError = isError;
        _queues = sockets.Select(_ => Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true })).ToArray();
    }

    public override long AsyncErrors => Interlocked.Read(ref _errors);

    /// <summary>Starts the loops over already connected and handshaken sockets.</summary>
    public static TcpPublisher Start(Socket[] sockets, Func<long, byte[]> format, LineIsError isError)
    {
        var p = new TcpPublisher(sockets, format, isError);
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
        return _queues[i].Writer.TryWrite(seq) ? ValueTask.FromResult<string?>(null) : ValueTask.FromResult<string?>("publisher closed");
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
                while (batch.Length < 256 * 1024 && reader.TryRead(out var seq)) batch.Write(_format(seq));
                await _sockets[index].SendAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), SocketFlags.None, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
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
                    if (_isError(line)) Interlocked.Increment(ref _errors);
                    start += nl + 1;
                }
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
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
