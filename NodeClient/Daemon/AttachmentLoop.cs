using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Runtimes;

namespace Moltnet.NodeClient.Daemon;

/// <summary>
/// One supervised attachment (spec node-and-cli §2.3–2.5, improvements node 1–3): connect, HELLO/IDENTIFY/READY, wake
/// the runtime per event, ACK, answer PINGs; on any failure or a closed socket reconnect with jittered backoff from the
/// last cursor. The backoff resets after a session stayed healthy for <see cref="AttachmentOptions.HealthyPeriod"/>.
/// Only <see cref="AttachmentFatalException"/> (a config problem no retry can fix) ends the loop.
/// </summary>
public sealed partial class AttachmentLoop(NodeAttachment attachment, MoltnetNode config, IRuntimeAdapter runtime, CursorStore cursors,
    StatusBoard board, AttachmentOptions options, NodeLog log)
{
    private readonly string _agentId = attachment.Agent.Id;
    private string? _token = attachment.Credentials.Token;

    /// <summary>The cursor to resume from: the last one ACKed (or given up on) in this process, else the durable one.</summary>
    private string? _resumeCursor = cursors.Stored;

    /// <summary>The token used for the WebSocket and for HTTP sends (updated when READY hands out a claimed token).</summary>
    public string? Token => _token;

    public async Task RunAsync(CancellationToken ct)
    {
        var attempt = 0;
        if (runtime.Bootstrap == BootstrapTiming.BeforeAttach)
        {
            try
            {
                await BootstrapBeforeAttachAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }
        while (!ct.IsCancellationRequested)
        {
            var started = options.Time.GetUtcNow();
            var ready = false;
            try
            {
                board.Update(_agentId, s => s with { State = "connecting" });
                await RunSessionAsync(() => ready = true, ct);
                log.Info("attach", "attachment closed by the server; reconnecting", ("agent", _agentId));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (AttachmentFatalException e)
            {
                log.Error("attach", "attachment stopped", ("agent", _agentId), ("error", e.Message));
                board.Error(_agentId, e.Message);
                board.Update(_agentId, s => s with { State = "failed", Connected = false });
                throw;
            }
            catch (Exception e)
            {
                log.Warn("attach", "attachment failed", ("agent", _agentId), ("error", e.Message));
                board.Error(_agentId, e.Message);
            }
            if (ready && options.Time.GetUtcNow() - started >= options.HealthyPeriod) attempt = 0;
            var delay = Backoff.Delay(++attempt, Random.Shared);
            board.Update(_agentId, s => s with { State = "backoff", Connected = false, Reconnects = s.Reconnects + 1 });
            try
            {
                await Task.Delay(delay, options.Time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        board.Update(_agentId, s => s with { State = "stopped", Connected = false });
    }
}

/// <summary>Timings of an attachment loop.</summary>
public sealed record AttachmentOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A session that lasted this long resets the reconnect backoff.</summary>
    public TimeSpan HealthyPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a wake is tried before it is given up as failed (improvements node 3).</summary>
    public int MaxWakeAttempts { get; init; } = 3;
}

/// <summary>A problem no reconnect can fix (e.g. a claimed token with nowhere to store it); stops this attachment only.</summary>
public sealed class AttachmentFatalException(string message) : Exception(message);
