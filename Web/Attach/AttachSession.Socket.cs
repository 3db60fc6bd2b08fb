using System.Buffers;
using System.Net.WebSockets;

namespace Moltnet.Web.Attach;

/// <summary>Frame reading (size limit, deadline) and the single writer (write deadline).</summary>
public sealed partial class AttachSession
{
    private readonly byte[] _rx = new byte[1024];
    private volatile bool _closing;
    private Task<ValueWebSocketReceiveResult>? _pendingRead;
    private CancellationTokenSource? _writeCts;

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

    /// <summary>Drains the send queue one frame at a time until the session closes.</summary>
    private async Task WriteLoopAsync()
    {
        var reader = _queue;
        var heartbeat = false;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (!_closing && reader.TryRead(out var frame))
                {
                    heartbeat = frame.Heartbeat;
                    await WriteAsync(frame.Bytes);
                }
                if (_closing) return;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            var reason = heartbeat ? "heartbeat_write_failed" : "event_write_failed";
            End(new Ending(reason, e is OperationCanceledException ? "attachment write timed out" : e.Message, true));
        }
    }

    private async Task WriteAsync(byte[] bytes)
    {
        if (_writeCts is null || !_writeCts.TryReset())
        {
            _writeCts?.Dispose();
            _writeCts = new CancellationTokenSource();
        }
        _writeCts.CancelAfter(_g.Options.WriteTimeout);
        await _ws.SendAsync(bytes, WebSocketMessageType.Text, true, _writeCts.Token);
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
