using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Moltnet.Bench.Peers;

/// <summary>Answers a protocol line (a PING) with bytes to write back, or null.</summary>
internal delegate byte[]? LineAnswer(ReadOnlySpan<byte> line);

/// <summary>A subscriber on a line-based TCP protocol (NATS, RESP, IRC): every line holding the run's marker
/// <c>bench-&lt;run&gt;-</c> records the sequence number after it. Protocol pings are answered through
/// <see cref="OnLine"/>.</summary>
internal sealed class LineSubscriber : Subscriber
{
    private readonly Socket _socket;
    private readonly byte[] _needle;
    private readonly CancellationTokenSource _cts = new();
    private readonly LineAnswer? _answer;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private Task _pump = Task.CompletedTask;
    private DeliveryLog _log = new();
    private string? _closedEarly;

    private LineSubscriber(Socket socket, string idPrefix, LineAnswer? answer)
    {
        _socket = socket;
        _needle = Encoding.ASCII.GetBytes(idPrefix);
        _answer = answer;
    }

    public override DeliveryLog Log { get => Volatile.Read(ref _log); set => Volatile.Write(ref _log, value); }
    public override string? ClosedEarly => _closedEarly;

    /// <summary>Called for each line before the marker check; a non-null result is written back (a PONG).</summary>
    private byte[]? OnLine(ReadOnlySpan<byte> line) => _answer?.Invoke(line);

    /// <summary>Connects from <paramref name="source"/>, sends <paramref name="hello"/>, and reads lines until one contains
    /// <paramref name="ready"/> (the server's confirmation that the subscription is in place).</summary>
    public static async Task<LineSubscriber> ConnectAsync(
        EndPoint server, IPAddress source, string idPrefix, string hello, string ready,
        LineAnswer? answer, CancellationToken ct)
    {
        var socket = await LoopbackSources.ConnectAsync(source, server, ct);
        var s = new LineSubscriber(socket, idPrefix, answer);
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(hello), SocketFlags.None, ct);
            var readyBytes = Encoding.ASCII.GetBytes(ready);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            var found = false;
            while (!found)
            {
                s.MakeRoom();
                var n = await socket.ReceiveAsync(s._buffer.AsMemory(s._end), SocketFlags.None, timeout.Token);
                if (n == 0) throw new InvalidOperationException($"{server} closed the connection before \"{ready.Trim()}\"");
                s._end += n;
                while (s.NextLine() is { } range)
                {
                    if (s.OnLine(s._buffer.AsSpan(range)) is { } reply) await socket.SendAsync(reply, SocketFlags.None, ct);
                    if (s._buffer.AsSpan(range).IndexOf(readyBytes) >= 0) found = true;
                }
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        s._pump = Task.Run(() => s.PumpAsync(s._cts.Token), CancellationToken.None);
        return s;
    }

    private Range? NextLine()
    {
        var pending = _buffer.AsSpan(_start, _end - _start);
        var newline = pending.IndexOf((byte)'\n');
        if (newline < 0) return null;
        var range = new Range(_start, _start + newline);
        _start += newline + 1;
        return range;
    }

    private void MakeRoom()
    {
        if (_start == _end) _start = _end = 0;
        if (_buffer.Length - _end >= 1024) return;
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_buffer.Length - _end < 1024) Array.Resize(ref _buffer, _buffer.Length * 2);
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                MakeRoom();
                var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
                if (n == 0)
                {
                    _closedEarly = "server closed the connection";
                    return;
                }
                _end += n;
                var now = Stopwatch.GetTimestamp();
                var log = Log;
                while (NextLine() is { } range)
                {
                    if (Handle(range, log, now) is { } reply) await _socket.SendAsync(reply, SocketFlags.None, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            if (!ct.IsCancellationRequested) _closedEarly = e.Message;
        }
    }

    /// <summary>Records a marked line; otherwise returns the protocol's answer to it, if any.</summary>
    private byte[]? Handle(Range range, DeliveryLog log, long now)
    {
        var line = _buffer.AsSpan(range);
        var at = line.IndexOf(_needle);
        if (at >= 0 && Utf8Parser.TryParse(line[(at + _needle.Length)..], out long seq, out _))
        {
            log.Record(seq, now);
            return null;
        }
        return OnLine(line);
    }

    public override async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _socket.Dispose();
        try { await _pump; } catch (OperationCanceledException) { }
        _cts.Dispose();
    }
}
