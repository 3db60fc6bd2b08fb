using System.Net.WebSockets;
using System.Threading.Channels;
using Moltnet.Configuration;
using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Runtimes;
using Moltnet.Wire;

namespace Moltnet.NodeClient.Daemon;

public sealed partial class AttachmentLoop
{
    private const string Version = "moltnet.attach.v1";
    private const int MaxFrameBytes = 1 << 20;

    /// <summary>One WebSocket session: returns when the server closes it cleanly; throws on any failure.</summary>
    private async Task RunSessionAsync(Action onReady, CancellationToken ct)
    {
        using var ws = new ClientWebSocket();
        if (_token is { } token) ws.Options.SetRequestHeader("Authorization", "Bearer " + token);
        else if (attachment.Credentials.AuthMode == AuthModes.Open && attachment.Credentials.TokenPath.Length == 0)
            throw new AttachmentFatalException("open auth first claim requires moltnet.token_path");
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writeLock = new SemaphoreSlim(1, 1);
        try
        {
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                connect.CancelAfter(options.HandshakeTimeout);
                await ws.ConnectAsync(AttachUri(config.Moltnet.BaseUrl), connect.Token);
            }
            var hello = await ReceiveAsync(ws, options.HandshakeTimeout, ct);
            if (hello.Op != AttachOps.Hello) throw new InvalidOperationException($"expected HELLO, got \"{hello.Op}\"");
            if (hello.Version != Version) throw new InvalidOperationException($"attachment HELLO version \"{hello.Version}\" is not {Version}");
            await SendAsync(ws, writeLock, Identify(), ct);
            var ready = await ReceiveAsync(ws, options.HandshakeTimeout, ct);
            if (ready.Op == AttachOps.Error) throw new InvalidOperationException($"attachment gateway error: {ready.Error}");
            if (ready.Op != AttachOps.Ready) throw new InvalidOperationException($"expected READY, got \"{ready.Op}\"");
            if (ready.Version != Version) throw new InvalidOperationException($"attachment READY version \"{ready.Version}\" is not {Version}");
            if (ready.NetworkId != config.Moltnet.NetworkId)
                throw new InvalidOperationException($"attachment READY network_id \"{ready.NetworkId}\" does not match \"{config.Moltnet.NetworkId}\"");
            if (ready.AgentToken is { Length: > 0 } claimed) StoreClaimedToken(claimed);

            onReady();
            var now = options.Time.GetUtcNow();
            board.Update(_agentId, s => s with { State = "connected", Connected = true, ConnectedAt = now, Cursor = cursors.Stored });
            log.Info("attach", "attached", ("agent", _agentId), ("cursor", _resumeCursor), ("actor", ready.ActorUri));

            var heartbeat = hello.HeartbeatIntervalMs is > 0 and var hb ? TimeSpan.FromMilliseconds(hb) : TimeSpan.FromSeconds(30);
            var readTimeout = TimeSpan.FromTicks(Math.Max(2 * heartbeat.Ticks, TimeSpan.FromSeconds(10).Ticks));
            var frames = Channel.CreateBounded<AttachFrame>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
            var reader = ReadLoopAsync(ws, writeLock, frames.Writer, readTimeout, session.Token);
            var bootstrap = BootstrapAfterReadyAsync(session);
            try
            {
                await foreach (var frame in frames.Reader.ReadAllAsync(session.Token))
                    await HandleAsync(ws, writeLock, frame, session.Token);
                if (_bootstrapFailure is { } failure) throw new InvalidOperationException($"bootstrap wake failed: {failure.Message}", failure);
            }
            catch (OperationCanceledException) when (_bootstrapFailure is { } failed && !ct.IsCancellationRequested)
            {
                throw new InvalidOperationException($"bootstrap wake failed: {failed.Message}", failed);
            }
            finally
            {
                await session.CancelAsync();
                await reader;
                await bootstrap;
            }
        }
        finally
        {
            board.Update(_agentId, s => s with { Connected = false });
            ws.Abort();
        }
    }

    private AttachFrame Identify() => new()
    {
        Op = AttachOps.Identify,
        Version = Version,
        NetworkId = config.Moltnet.NetworkId,
        Agent = new Actor { Type = "agent", Id = _agentId, Name = attachment.Agent.Name },
        Cursor = _resumeCursor,
        Capabilities = new AttachCapabilities(
            Rooms: attachment.Rooms.Count > 0,
            Threads: attachment.Rooms.Any(r => r.Wake != WakeModes.Never),
            Dms: attachment.Dms.Enabled,
            Artifacts: true),
    };

    /// <summary>READY handed out the agent's token (first claim in open mode): persist it before using it.</summary>
    private void StoreClaimedToken(string claimed)
    {
        var path = attachment.Credentials.TokenPath;
        if (path.Length == 0) throw new AttachmentFatalException("READY returned an agent token but no moltnet.token_path is configured to store it");
        StateFiles.WritePrivate(path, claimed + "\n");
        _token = claimed;
        log.Info("attach", "stored claimed agent token", ("agent", _agentId), ("path", path));
    }

    private async Task HandleAsync(ClientWebSocket ws, SemaphoreSlim writeLock, AttachFrame frame, CancellationToken ct)
    {
        switch (frame.Op)
        {
            case AttachOps.Event:
                if (frame.Version != Version) throw new InvalidOperationException("attachment EVENT frame without version");
                await HandleEventAsync(ws, writeLock, frame, ct);
                break;
            case AttachOps.Error:
                throw new InvalidOperationException($"attachment gateway error: {frame.Error}");
            default:
                throw new InvalidOperationException($"unexpected attachment frame op \"{frame.Op}\"");
        }
    }

    private async Task HandleEventAsync(ClientWebSocket ws, SemaphoreSlim writeLock, AttachFrame frame, CancellationToken ct)
    {
        var e = frame.Event ?? throw new InvalidOperationException("attachment EVENT frame without event");
        var cursor = frame.Cursor ?? e.Id;
        var entry = cursors.Begin(cursor);
        if (WakeFilter.ShouldWake(e, attachment, config.Moltnet.NetworkId) is not { } message)
        {
            await AckAsync(ws, writeLock, cursor, ct);
            cursors.Finish(entry);
            return;
        }
        var net = config.Moltnet.NetworkId;
        var wake = new Wake(message, net, ConversationKeys.ContextId(net, message), ConversationKeys.ChatId(net, message), Prompts.Compact(net, message), cursor) { EventId = e.Id };
        Exception? failure = null;
        Task finished = Task.CompletedTask;
        for (var attempt = 1; attempt <= options.MaxWakeAttempts; attempt++)
        {
            try
            {
                finished = await runtime.DeliverAsync(wake, ct);
                failure = null;
                break;
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                failure = ex;
                log.Warn("wake", "runtime did not accept the wake", ("agent", _agentId), ("message", message.Id), ("attempt", attempt), ("error", ex.Message));
                if (attempt < options.MaxWakeAttempts) await Task.Delay(Backoff.Delay(attempt, Random.Shared), options.Time, ct);
            }
        }
        if (failure is not null)
        {
            // Poison event (improvements node 3): tell the server (it records agent.wake.failed), skip it from now on.
            var error = $"wake of message {message.Id} failed after {options.MaxWakeAttempts} attempts: {failure.Message}";
            cursors.Finish(entry);
            _resumeCursor = cursor;
            board.Update(_agentId, s => s with { FailedWakes = s.FailedWakes + 1, LastError = error, LastErrorAt = options.Time.GetUtcNow() });
            log.Error("wake", "gave up on wake", ("agent", _agentId), ("message", message.Id), ("error", failure.Message));
            await SendAsync(ws, writeLock, new AttachFrame { Op = AttachOps.Error, Version = Version, Error = error }, ct);
            throw new WakeFailedException(error);
        }
        await AckAsync(ws, writeLock, cursor, ct);
        var at = options.Time.GetUtcNow();
        board.Update(_agentId, s => s with { Wakes = s.Wakes + 1, LastWakeAt = at, LastWakeMessageId = message.Id });
        log.Info("wake", "woke runtime", ("agent", _agentId), ("message", message.Id), ("context", wake.ContextId));
        _ = finished.ContinueWith(t =>
        {
            cursors.Finish(entry);
            if (t.Exception?.GetBaseException() is { } runError) board.Error(_agentId, runError.Message);
            board.Update(_agentId, s => s with { Cursor = cursors.Stored });
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task AckAsync(ClientWebSocket ws, SemaphoreSlim writeLock, string cursor, CancellationToken ct)
    {
        await SendAsync(ws, writeLock, new AttachFrame { Op = AttachOps.Ack, Version = Version, Cursor = cursor }, ct);
        _resumeCursor = cursor;
    }

    /// <summary>Reads frames: PING is answered at once (even while a wake blocks), everything else is queued.</summary>
    private async Task ReadLoopAsync(ClientWebSocket ws, SemaphoreSlim writeLock, ChannelWriter<AttachFrame> frames, TimeSpan readTimeout, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                var frame = await ReceiveAsync(ws, readTimeout, ct, allowClose: true);
                if (frame is null)
                {
                    frames.TryComplete();
                    return;
                }
                if (frame.Op == AttachOps.Ping) await SendAsync(ws, writeLock, new AttachFrame { Op = AttachOps.Pong, Version = Version }, ct);
                else await frames.WriteAsync(frame, ct);
            }
        }
        catch (Exception e)
        {
            frames.TryComplete(ct.IsCancellationRequested ? null : e);
        }
    }

    private async Task<AttachFrame> ReceiveAsync(ClientWebSocket ws, TimeSpan timeout, CancellationToken ct) =>
        await ReceiveAsync(ws, timeout, ct, allowClose: false) ?? throw new InvalidOperationException("attachment closed during the handshake");

    /// <summary>One text frame, or null for a clean close (1000/1001) when <paramref name="allowClose"/>.</summary>
    private static async Task<AttachFrame?> ReceiveAsync(ClientWebSocket ws, TimeSpan timeout, CancellationToken ct, bool allowClose)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await ws.ReceiveAsync(buffer, deadline.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    var status = ws.CloseStatus;
                    if (allowClose && status is WebSocketCloseStatus.NormalClosure or WebSocketCloseStatus.EndpointUnavailable) return null;
                    throw new InvalidOperationException($"attachment closed by the server ({(int?)status} {ws.CloseStatusDescription})");
                }
                if (result.MessageType != WebSocketMessageType.Text) throw new InvalidOperationException("attachment protocol only accepts text JSON frames");
                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxFrameBytes) throw new InvalidOperationException("attachment frame exceeds 1 MiB");
                if (result.EndOfMessage) break;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"no frame from the server within {timeout.TotalSeconds:0.#}s");
        }
        return MoltnetJson.Deserialize<AttachFrame>(message.GetBuffer().AsSpan(0, (int)message.Length))
            ?? throw new InvalidOperationException("attachment frame must be valid JSON");
    }

    private async Task SendAsync(ClientWebSocket ws, SemaphoreSlim writeLock, AttachFrame frame, CancellationToken ct)
    {
        var bytes = MoltnetJson.SerializeToUtf8(frame);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.WriteTimeout);
        await writeLock.WaitAsync(deadline.Token);
        try
        {
            await ws.SendAsync(bytes, WebSocketMessageType.Text, true, deadline.Token);
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary><c>http→ws</c>, <c>https→wss</c>, path + <c>/v1/attach</c>, no query.</summary>
    public static Uri AttachUri(string baseUrl)
    {
        var b = new UriBuilder(baseUrl.TrimEnd('/'));
        b.Scheme = b.Scheme == "https" ? "wss" : "ws";
        b.Path = b.Path.TrimEnd('/') + "/v1/attach";
        b.Query = "";
        b.Fragment = "";
        return b.Uri;
    }
}

/// <summary>A wake was given up after its retries; the session ends so the server records <c>agent.wake.failed</c>.</summary>
public sealed class WakeFailedException(string message) : Exception(message);
