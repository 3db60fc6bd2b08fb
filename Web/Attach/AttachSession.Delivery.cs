using System.Net.WebSockets;

namespace Moltnet.Web.Attach;

/// <summary>After READY: events from the feed to the send queue, and client frames (ACK, PING, PONG, ERROR).</summary>
public sealed partial class AttachSession
{
    private async Task DeliverAsync(IEventSubscription subscription)
    {
        var ct = _stop.Token;
        var items = subscription.ReadAllAsync(ct).GetAsyncEnumerator(ct);
        try
        {
            var held = false;
            while (true)
            {
                var next = items.MoveNextAsync();
                // Nothing more at once: release the frames held so far (one write for the burst).
                if (held && !next.IsCompleted)
                {
                    held = false;
                    if (!await EnqueueEventAsync(Release, ct))
                    {
                        End(SlowConsumer);
                        return;
                    }
                }
                if (!await next) break;
                if (items.Current.Logged is not { } logged) continue; // a lagged marker: the feed catches up from the log by itself
                var e = logged.Event;
                if (e.Type == EventTypes.AgentRemoved && IsMe(e.Agent) && await RemovedNowAsync(e, ct))
                {
                    const string removed = "agent was removed from the network";
                    End(new Ending("agent_removed", removed, false, removed));
                    return;
                }
                if (!await _scope!.VisibleAsync(e, ct)) continue;
                var wake = e.Type == EventTypes.MessageCreated && e.Message is { } m ? _scope.WakeReason(m) : null;
                if (wake is not null && !await ClaimWakeAsync(e.Message!, ct)) wake = null;
                Track(e, wake);
                if (!await EnqueueEventAsync(new Outgoing(_g.EventFrame(logged), false, Hold: true), ct))
                {
                    End(SlowConsumer);
                    return;
                }
                held = true;
            }
            End(new Ending("event_stream_closed", null, false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Session ended.
        }
        catch (Exception e)
        {
            AttachLog.StreamFailed(_g.Log, AgentId ?? "", e);
            End(new Ending("event_stream_closed", e.Message, false, "event stream failed; resume with IDENTIFY.cursor",
                WebSocketCloseStatus.InternalServerError));
        }
        finally
        {
            await items.DisposeAsync();
        }
    }

    /// <summary>An <c>agent.removed</c> replayed from before the agent re-registered does not end the new session.</summary>
    private async Task<bool> RemovedNowAsync(Event removed, CancellationToken ct)
    {
        var current = await _g.Grains.GetGrain<IAgentGrain>(AgentId!).FindAsync(ct);
        return current is null || current.CreatedAt <= removed.CreatedAt;
    }

    /// <summary>Queues an EVENT frame, waiting a moment for room; false when the client is not draining its socket.</summary>
    private ValueTask<bool> EnqueueEventAsync(Outgoing item, CancellationToken ct)
    {
        return _queue.TryWrite(item) ? ValueTask.FromResult(true) : _queue.WriteAsync(item, _g.Options.SlowConsumerGrace, _g.Time, ct);
    }

    private async Task ReadLoopAsync()
    {
        while (!_ending.Task.IsCompleted)
        {
            ClientFrame raw;
            try
            {
                raw = await ReadFrameAsync(_g.Options.ReadTimeout);
            }
            catch (TimeoutException)
            {
                End(new Ending("read_timeout", "attachment read timed out", true));
                return;
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                End(new Ending("read_error", e.Message, true));
                return;
            }
            if (Rejected(raw) || Parse(raw) is not { } frame) return;
            if (frame.Op is not (AttachOps.Ack or AttachOps.Pong) && VersionError(frame) is { } versionError)
            {
                Fail(versionError);
                return;
            }
            switch (frame.Op)
            {
                case AttachOps.Ping:
                    if (!_queue.TryWrite(new Outgoing(PongFrame, true))) End(SlowConsumer);
                    break;
                case AttachOps.Pong:
                    break;
                case AttachOps.Ack:
                    if (!await AckAsync(frame.Cursor))
                    {
                        Fail("unexpected ACK cursor");
                        return;
                    }
                    break;
                case AttachOps.Error:
                    End(new Ending("client_error", $"attachment client error: {frame.Error}", true));
                    return;
                default:
                    Fail($"unexpected frame op \"{frame.Op}\"");
                    return;
            }
        }
    }
}
