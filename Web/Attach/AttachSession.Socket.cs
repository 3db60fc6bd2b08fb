using System.Buffers;
using System.Net.WebSockets;

namespace Moltnet.Web.Attach;

/// <summary>Frame reading (size limit, deadline) and sending (one frame at a time, write deadline).</summary>
public sealed partial class AttachSession
{
    private readonly byte[] _rx = new byte[1024];
    private Task<ValueWebSocketReceiveResult>? _pendingRead;
    private long _writeStarted;

    private enum FrameKind { Text, Binary, Close, TooBig }

    private readonly record struct ClientFrame(FrameKind Kind, ReadOnlyMemory<byte> Bytes, WebSocketCloseStatus? CloseStatus = null);

    /// <summary>Reads one whole client message within <paramref name="timeout"/> (throws <see cref="TimeoutException"/>).
    /// A message over the frame limit is reported as <see cref="FrameKind.TooBig"/> without reading the rest.</summary>
    private async Task<ClientFrame> ReadFrameAsync(TimeSpan timeout)
    {
        var started = _g.Time.GetTimestamp();
        ArrayBufferWriter<byte>? large = null;
        while (true)
        {
            var left = timeout - _g.Time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) throw new TimeoutException();
            var read = _pendingRead ??= _ws.ReceiveAsync(_rx.AsMemory(), CancellationToken.None).AsTask();
            var result = await read.WaitAsync(left, _g.Time);
            _pendingRead = null;
            if (result.MessageType == WebSocketMessageType.Close)
                return new ClientFrame(FrameKind.Close, default, _ws.CloseStatus);
            if (result.MessageType == WebSocketMessageType.Binary) return new ClientFrame(FrameKind.Binary, default);
            var total = (large?.WrittenCount ?? 0) + result.Count;
            if (total > _g.Options.MaxFrameBytes) return new ClientFrame(FrameKind.TooBig, default);
            if (result.EndOfMessage && large is null) return new ClientFrame(FrameKind.Text, _rx.AsMemory(0, result.Count));
            large ??= new ArrayBufferWriter<byte>(4096);
            large.Write(_rx.AsSpan(0, result.Count));
            if (result.EndOfMessage) return new ClientFrame(FrameKind.Text, large.WrittenMemory);
        }
    }

    /// <summary>Sends one queued frame (the send queue runs one at a time). The write deadline is watched by the heartbeat
    /// (<see cref="WriteStuck"/>) rather than by a timer armed per frame.</summary>
    private async ValueTask SendFrameAsync(Outgoing frame)
    {
        Volatile.Write(ref _writeStarted, _g.Time.GetTimestamp());
        if (frame.Bytes is { } bytes)
        {
            if (frame.Hold) _batch?.Hold();
            else _batch?.StopHolding();
            await _ws.SendAsync(bytes, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        else if (_batch is not null) await _batch.ReleaseAsync(CancellationToken.None);
        Volatile.Write(ref _writeStarted, 0);
    }

    private void SendFailed(Outgoing frame, Exception e) =>
        End(new Ending(frame.Heartbeat ? "heartbeat_write_failed" : "event_write_failed", e.Message, true));

    /// <summary>True when a frame has been on its way to the socket for longer than the write timeout.</summary>
    private bool WriteStuck()
    {
        var started = Volatile.Read(ref _writeStarted);
        return started != 0 && _g.Time.GetElapsedTime(started) > _g.Options.WriteTimeout;
    }

    /// <summary>One frame with its own deadline, after the queue stopped.</summary>
    private async Task WriteAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(_g.Options.WriteTimeout, _g.Time);
        await _ws.SendAsync(bytes, WebSocketMessageType.Text, true, cts.Token);
    }

    /// <summary>A last frame after the writer stopped; failures only mean the peer is gone.</summary>
    private async Task TryWriteAsync(byte[] bytes)
    {
        try
        {
            await WriteAsync(bytes);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Nothing more to tell this client.
        }
    }
}
