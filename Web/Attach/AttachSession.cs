using System.Net.WebSockets;
using Moltnet.Configuration;

namespace Moltnet.Web.Attach;

/// <summary>One attachment WebSocket (spec §4): HELLO, IDENTIFY, READY, then events out and ACK/PING in until the session
/// ends. Three loops share the socket: the reader (client frames, read deadline), the delivery loop (event feed → bounded
/// send queue) and the heartbeat (pings, write deadline); the send queue sends one frame at a time.</summary>
public sealed partial class AttachSession
{
    private readonly AttachGateway _g;
    private readonly WebSocket _ws;
    private readonly FrameBatchStream? _batch;
    private readonly Caller _caller;
    private readonly CancellationToken _aborted;
    private readonly SendQueue<Outgoing> _queue;
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource<Ending> _ending = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AttachScope? _scope;
    private string? _displayName;

    internal AttachSession(AttachGateway gateway, WebSocket socket, FrameBatchStream? batch, Caller caller, CancellationToken aborted)
    {
        _g = gateway;
        _ws = socket;
        _batch = batch;
        _caller = caller;
        _aborted = aborted;
        CredentialKey = caller.CredentialKey;
        _queue = new SendQueue<Outgoing>(gateway.Options.SendQueueCapacity, SendFrameAsync, SendFailed);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, gateway.Stopping);
    }

    /// <summary>The key the active-attachment registry compares (spec §4).</summary>
    public string CredentialKey { get; private set; }

    /// <summary>This session's id in the active-attachment registry (unique within the process).</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The identified agent, once READY.</summary>
    public string? AgentId { get; private set; }

    /// <summary>How a session ended: debug reason, error text, whether pending wakes fail, the ERROR frame to send.</summary>
    private sealed record Ending(string Reason, string? Error, bool FailWakes, string? ErrorFrame = null,
        WebSocketCloseStatus Status = WebSocketCloseStatus.PolicyViolation);

    /// <summary>A frame for the socket. <paramref name="Hold"/>: more frames follow at once, so it may wait in the batch
    /// stream for them; a frame without bytes releases what is held.</summary>
    private readonly record struct Outgoing(byte[]? Bytes, bool Heartbeat, bool Hold = false);

    private static readonly Outgoing Release = new(null, false);

    /// <summary>Ends the session (the first ending wins) and stops the loops.</summary>
    private void End(Ending ending)
    {
        if (!_ending.TrySetResult(ending)) return;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already torn down.
        }
    }

    /// <summary>A protocol violation: ERROR frame with <paramref name="message"/>, close, pending wakes fail.</summary>
    private void Fail(string message, WebSocketCloseStatus status = WebSocketCloseStatus.PolicyViolation) =>
        End(new Ending("read_error", message, true, message, status));

    public async Task RunAsync()
    {
        Task reader = Task.CompletedTask;
        IEventSubscription? subscription = null;
        var ready = false;
        try
        {
            Enqueue(new AttachFrame { Op = AttachOps.Hello, HeartbeatIntervalMs = (int)_g.Options.HeartbeatInterval.TotalMilliseconds });
            var registration = await HandshakeAsync();
            if (registration is not null)
            {
                subscription = await SubscribeAsync(registration);
                if (subscription is not null)
                {
                    ready = true;
                    await BecomeReadyAsync(registration);
                    reader = Task.Run(ReadLoopAsync);
                    _ = Task.Run(() => DeliverAsync(subscription));
                    _ = Task.Run(HeartbeatAsync);
                }
            }
            await Task.WhenAny(_ending.Task, Task.Delay(Timeout.Infinite, _stop.Token)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            End(new Ending(_g.Stopping.IsCancellationRequested ? "request_context_done" : "read_error", null, false));
        }
        if (!_ending.Task.IsCompleted)
            End(_g.Stopping.IsCancellationRequested
                ? new Ending("request_context_done", null, false)
                : new Ending("read_error", "attachment connection lost", true));
        var ending = await _ending.Task;
        // Out of the registry before the client hears the ending: a client told to resume (a slow consumer) attaches again
        // at once, and must not find this closing session still registered.
        if (AgentId is not null) await _g.Registry.RemoveAsync(AgentId, this);
        await CloseAsync(ending, reader);
        if (subscription is not null) await subscription.DisposeAsync();
        await FinishWakesAsync(ending);
        if (ready) await DisconnectedAsync(ending);
        _stop.Dispose();
    }

    /// <summary>Stops the writer after its current frame, sends the ERROR frame, closes and waits briefly for the client.</summary>
    private async Task CloseAsync(Ending ending, Task reader)
    {
        if (!await _queue.CompleteAsync(_g.Options.WriteTimeout, _g.Time)) _ws.Abort();
        _batch?.StopHolding(); // the next write (ERROR, close) takes held frames along
        if (_ws.State is WebSocketState.Open && ending.ErrorFrame is { } error)
            await TryWriteAsync(Encode(new AttachFrame { Op = AttachOps.Error, Error = error }));
        if (_ws.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            var status = ending.Reason == "request_context_done" ? WebSocketCloseStatus.EndpointUnavailable
                : ending.ErrorFrame is null ? WebSocketCloseStatus.NormalClosure : ending.Status;
            try
            {
                using var cts = new CancellationTokenSource(_g.Options.WriteTimeout, _g.Time);
                await _ws.CloseOutputAsync(status, CloseText(ending.ErrorFrame), cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The peer is gone.
            }
        }
        // Let the client answer the close (its data would be lost to a reset otherwise), then drop the connection.
        var linger = TimeSpan.FromSeconds(2);
        await Task.WhenAny(reader, Task.Delay(linger, _g.Time));
        if (reader.IsCompleted && _ws.State == WebSocketState.CloseSent) await DrainAsync(linger);
        _ws.Abort();
        try
        {
            await reader;
        }
        catch (Exception)
        {
            // Observed: the socket was aborted under a pending read.
        }
    }

    /// <summary>Reads and discards client frames until its close frame arrives or <paramref name="linger"/> passes.</summary>
    private async Task DrainAsync(TimeSpan linger)
    {
        var until = _g.Time.GetTimestamp();
        try
        {
            while (_g.Time.GetElapsedTime(until) < linger)
                if ((await ReadFrameAsync(linger - _g.Time.GetElapsedTime(until))).Kind == FrameKind.Close) return;
        }
        catch (Exception)
        {
            // Timed out or the peer is gone.
        }
    }

    /// <summary>Close descriptions are limited to 123 UTF-8 bytes.</summary>
    private static string? CloseText(string? error) =>
        error is null ? null : error.Length <= 120 ? error : error[..120];

    private async Task BecomeReadyAsync(AgentRegistration registration)
    {
        AgentId = registration.AgentId;
        _displayName = registration.DisplayName;
        Enqueue(new AttachFrame
        {
            Op = AttachOps.Ready,
            NetworkId = _g.NetworkId,
            AgentId = registration.AgentId,
            ActorUid = registration.ActorUid,
            ActorUri = registration.ActorUri,
            AgentToken = registration.AgentToken,
        });
        _g.Events.Connected(registration.AgentId);
        var agent = _g.AgentPayload(registration.AgentId, _displayName);
        if (_g.Config.Server.DebugEvents) agent = agent with { Reason = "attachment_ready" };
        await _g.AppendQuietlyAsync([_g.NewEvent(EventTypes.AgentConnected, agent)]);
        AttachLog.Ready(_g.Log, registration.AgentId);
    }

    private async Task DisconnectedAsync(Ending ending)
    {
        var agentId = AgentId!;
        _g.Events.Disconnected(agentId);
        var agent = _g.AgentPayload(agentId, _displayName);
        if (_g.Config.Server.DebugEvents) agent = agent with { Reason = ending.Reason, Error = ending.Error };
        await _g.AppendQuietlyAsync([_g.NewEvent(EventTypes.AgentDisconnected, agent)]);
        AttachLog.Closed(_g.Log, agentId, ending.Reason, ending.Error);
    }

    private async Task HeartbeatAsync()
    {
        using var timer = new PeriodicTimer(_g.Options.PingInterval, _g.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (WriteStuck())
                {
                    End(new Ending("event_write_failed", "attachment write timed out", true));
                    _ws.Abort();
                }
                else if (!_queue.TryWrite(new Outgoing(PingFrame, true)))
                    End(SlowConsumer);
            }
        }
        catch (OperationCanceledException)
        {
            // Session ended.
        }
    }

    private static readonly byte[] PingFrame = Encode(new AttachFrame { Op = AttachOps.Ping });
    private static readonly byte[] PongFrame = Encode(new AttachFrame { Op = AttachOps.Pong });

    private const string SlowConsumerMessage = "slow consumer: resume with IDENTIFY.cursor";
    private static readonly Ending SlowConsumer = new("event_write_failed", SlowConsumerMessage, true, SlowConsumerMessage);

    private static byte[] Encode(AttachFrame frame) => AttachGateway.Encode(frame);

    /// <summary>Queues a control frame; a full queue means the client is not reading.</summary>
    private void Enqueue(AttachFrame frame)
    {
        if (!_queue.TryWrite(new Outgoing(Encode(frame), false))) End(SlowConsumer);
    }

    private bool IsMe(EventAgent? a) => a is not null && AgentId is not null && a.AgentId == AgentId && a.NetworkId == _g.NetworkId;

    private bool SeesEverything => _caller.Has(Scopes.Observe) || _caller.Has(Scopes.Admin);
}
