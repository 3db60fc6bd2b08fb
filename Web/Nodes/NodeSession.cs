using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Moltnet.Web.Nodes;

/// <summary>One node's socket on this replica (remote-nodes.md §2–6): the <c>connect</c> handshake, then invoke results,
/// output chunks and telemetry. Results and chunks are accepted only for invokes sent on this connection, and telemetry
/// is keyed by the connection, never by a node id in the payload.</summary>
public sealed partial class NodeSession
{
    private readonly WebSocket _socket;
    private readonly NodeGateway _gateway;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly ConcurrentDictionary<string, PendingInvoke> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closed;
    private readonly string? _remoteIp;
    private long _seq;

    public NodeSession(NodeGateway gateway, WebSocket socket, string? remoteIp, CancellationToken aborted)
    {
        _gateway = gateway;
        _socket = socket;
        _remoteIp = remoteIp;
        _closed = CancellationTokenSource.CreateLinkedTokenSource(aborted);
    }

    public string ConnId { get; } = "conn_" + Guid.NewGuid().ToString("N");
    public string NodeId { get; private set; } = "";
    public string? DisplayName { get; private set; }
    public CancellationToken Closed => _closed.Token;

    /// <summary>Runs the connection until the socket closes or the session is closed.</summary>
    public async Task RunAsync()
    {
        var ct = _closed.Token;
        string reason = "closed";
        try
        {
            if (!await HandshakeAsync(ct)) return;
            reason = await ReadLoopAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reason = _closeReason ?? "closed";
        }
        catch (WebSocketException)
        {
            reason = "connection lost";
        }
        finally
        {
            FailPending(_closeReason ?? reason);
            if (NodeId.Length > 0) await _gateway.UnregisterAsync(this, _closeReason ?? reason);
            _closed.Cancel();
        }
    }

    private string? _closeReason;

    /// <summary>Closes the socket at once (revoke, replacement): pending invokes fail with <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        _closeReason ??= reason;
        FailPending(reason);
        try { _socket.Abort(); } catch (ObjectDisposedException) { }
        _closed.Cancel();
    }

    private async Task<string> ReadLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var (frame, tooLarge, closed) = await ReceiveAsync(ct);
            if (closed) return "node closed the connection";
            if (tooLarge)
            {
                await SendEventAsync("error", NodeProtocol.ToElement(new NodeError(NodeErrorCodes.PayloadTooLarge, "frame exceeds 524288 bytes")), ct);
                continue;
            }
            if (frame is null)
            {
                await SendAsync(NodeFrame.Fail(null, NodeErrorCodes.InvalidRequest, "invalid frame"), ct);
                continue;
            }
            if (frame.Type != "req" || frame.Id is null) continue;
            await HandleRequestAsync(frame, ct);
        }
        return "closed";
    }

    private async Task HandleRequestAsync(NodeFrame req, CancellationToken ct)
    {
        switch (req.Method)
        {
            case "node.invoke.result":
            {
                var p = Params<InvokeResultParams>(req);
                if (p is null || !_pending.TryRemove(p.InvokeId, out var pending))
                {
                    await SendAsync(NodeFrame.Fail(req.Id, NodeErrorCodes.InvalidRequest, "no pending invoke"), ct);
                    return;
                }
                await pending.CompleteAsync(p.Result);
                await SendAsync(NodeFrame.Res(req.Id!, Empty), ct);
                return;
            }
            case "node.invoke.chunk":
            {
                var p = Params<InvokeChunk>(req);
                if (p is null || !_pending.TryGetValue(p.InvokeId, out var pending))
                {
                    await SendAsync(NodeFrame.Fail(req.Id, NodeErrorCodes.InvalidRequest, "no pending invoke"), ct);
                    return;
                }
                await pending.ChunkAsync(p);
                await SendAsync(NodeFrame.Res(req.Id!, Empty), ct);
                return;
            }
            case "node.event":
            {
                var p = Params<NodeEventParams>(req);
                if (p is not { Event: "node.telemetry", Payload: { } t })
                {
                    await SendAsync(NodeFrame.Fail(req.Id, NodeErrorCodes.InvalidRequest, "only node.telemetry events are accepted"), ct);
                    return;
                }
                await _gateway.TelemetryAsync(this, t, ct);
                await SendAsync(NodeFrame.Res(req.Id!, Empty), ct);
                return;
            }
            case "connect":
                await SendAsync(NodeFrame.Fail(req.Id, NodeErrorCodes.InvalidRequest, "already connected"), ct);
                return;
            default:
                await SendAsync(NodeFrame.Fail(req.Id, NodeErrorCodes.Forbidden, $"method \"{req.Method}\" is not allowed for role node"), ct);
                return;
        }
    }

    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    private static T? Params<T>(NodeFrame frame)
    {
        try { return NodeProtocol.FromElement<T>(frame.Params); }
        catch (JsonException) { return default; }
    }

    /// <summary>Sends <c>system.run</c> and waits for its result. The pending entry is registered before the request is
    /// sent, so a fast reply is never lost; <paramref name="ct"/> sends <c>node.invoke.cancel</c> and waits briefly for
    /// the node's (cancelled) result.</summary>
    public async Task<RunResult> InvokeAsync(string invokeId, RunArgs args, Func<InvokeChunk, Task> onChunk, TimeSpan wait, CancellationToken ct)
    {
        var pending = new PendingInvoke(onChunk);
        if (!_pending.TryAdd(invokeId, pending)) throw MoltnetException.Conflict($"exec \"{invokeId}\" is already running");
        try
        {
            await SendEventAsync("node.invoke.request", NodeProtocol.ToElement(new InvokeRequest(invokeId, "system.run", args)), _closed.Token);
            using var deadline = new CancellationTokenSource(wait);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, ct);
            try
            {
                return await pending.Result.WaitAsync(linked.Token);
            }
            catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
            {
                await SendEventAsync("node.invoke.cancel", NodeProtocol.ToElement(new InvokeCancel(invokeId)), _closed.Token);
                try
                {
                    return await pending.Result.WaitAsync(TimeSpan.FromSeconds(5), _closed.Token);
                }
                catch (TimeoutException)
                {
                    return new RunResult { ExitCode = 124, TimedOut = deadline.IsCancellationRequested, Cancelled = ct.IsCancellationRequested, Error = "node did not answer in time" };
                }
            }
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            return await pending.Result; // failed by Close/FailPending with the reason
        }
        catch (WebSocketException)
        {
            return new RunResult { ExitCode = -1, Error = "node disconnected" };
        }
        finally
        {
            _pending.TryRemove(invokeId, out _);
        }
    }

    private void FailPending(string reason)
    {
        foreach (var (id, pending) in _pending)
            if (_pending.TryRemove(id, out _)) pending.Fail("node disconnected: " + reason);
    }

    private async Task SendEventAsync(string name, JsonElement payload, CancellationToken ct) =>
        await SendAsync(NodeFrame.Evt(name, payload, Interlocked.Increment(ref _seq)), ct);

    private async Task SendAsync(NodeFrame frame, CancellationToken ct)
    {
        var bytes = NodeProtocol.Serialize(frame);
        await _send.WaitAsync(ct);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>One text frame of at most 512 KiB; a larger one is read to its end and reported as too large.</summary>
    private async Task<(NodeFrame? Frame, bool TooLarge, bool Closed)> ReceiveAsync(CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        var tooLarge = false;
        while (true)
        {
            var r = await _socket.ReceiveAsync(chunk, ct);
            if (r.MessageType == WebSocketMessageType.Close) return (null, false, true);
            if (!tooLarge)
            {
                if (buffer.Length + r.Count > NodeProtocol.MaxFrameBytes) tooLarge = true;
                else buffer.Write(chunk, 0, r.Count);
            }
            if (r.EndOfMessage) break;
        }
        if (tooLarge) return (null, true, false);
        try { return (NodeProtocol.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), false, false); }
        catch (JsonException) { return (null, false, false); }
    }

    private sealed class PendingInvoke(Func<InvokeChunk, Task> onChunk)
    {
        private readonly TaskCompletionSource<RunResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Task<RunResult> Result => _result.Task;
        public Task ChunkAsync(InvokeChunk chunk) => _result.Task.IsCompleted ? Task.CompletedTask : onChunk(chunk);
        public Task CompleteAsync(RunResult result) { _result.TrySetResult(result); return Task.CompletedTask; }
        public void Fail(string reason) => _result.TrySetResult(new RunResult { ExitCode = -1, Error = reason });
    }
}
