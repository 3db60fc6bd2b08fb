using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using Moltnet.Wire;

namespace Moltnet.NodeClient.RemoteNodes;

/// <summary>The remote-node side of the daemon: dials out to the gateway, sends telemetry at connect and every 30 s, runs
/// the commands it is sent (at most 4 at once) and streams their output. Reconnects in-process with backoff (1 s doubling
/// to 60 s, ±20 % jitter, reset after 60 s connected); an authentication refusal ends it with exit code 78.</summary>
public sealed class RemoteNodeAgent(RemoteNodeSettings settings, NodePolicy policy, TextWriter log)
{
    internal RemoteNodeSettings Settings { get; } = settings;
    internal NodePolicy Policy { get; } = policy;

    public const int AuthFailedExitCode = 78;
    public const int MaxConcurrent = 4;
    public static readonly TimeSpan TelemetryInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan HealthyAfter = TimeSpan.FromSeconds(60);

    /// <summary>Runs until <paramref name="ct"/> is cancelled (exit 0) or the gateway refuses the token (exit 78).</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var uri = RemoteNodeSettings.GatewayUri(Settings.GatewayUrl ?? throw new RemoteNodeException("gateway URL is required"));
        var backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            var connectedAt = DateTimeOffset.UtcNow;
            try
            {
                using var socket = new ClientWebSocket();
                await socket.ConnectAsync(uri, ct);
                var session = new Connection(this, socket);
                var refused = await session.HandshakeAsync(ct);
                if (refused is { } error)
                {
                    Log($"gateway refused the connection: {error.Code}: {error.Message}");
                    if (error.Code is "UNAUTHORIZED" or "FORBIDDEN") return AuthFailedExitCode;
                }
                else
                {
                    connectedAt = DateTimeOffset.UtcNow;
                    Log($"connected to {uri} as node {session.NodeId}");
                    await session.RunAsync(ct);
                    Log("disconnected from the gateway");
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is WebSocketException or IOException or System.Net.Http.HttpRequestException or JsonException)
            {
                Log($"gateway connection failed: {e.Message}");
            }
            if (DateTimeOffset.UtcNow - connectedAt >= HealthyAfter) backoff = TimeSpan.FromSeconds(1);
            var jittered = backoff * (0.8 + (Random.Shared.NextDouble() * 0.4));
            Log($"reconnecting in {jittered.TotalSeconds:0.0} s");
            try { await Task.Delay(jittered, ct); }
            catch (OperationCanceledException) { break; }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(60).Ticks));
        }
        return 0;
    }

    internal void Log(string line)
    {
        lock (log)
        {
            log.WriteLine($"{DateTimeOffset.Now:yyyy/MM/dd HH:mm:ss} {line}");
            log.Flush();
        }
    }

    /// <summary>One gateway connection.</summary>
    private sealed class Connection(RemoteNodeAgent agent, ClientWebSocket socket)
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
        private long _ids;

        public string NodeId { get; private set; } = "";

        public async Task<NodeError?> HandshakeAsync(CancellationToken ct)
        {
            var s = agent.Settings;
            var connect = new ConnectParams
            {
                Protocol = new ProtocolRange(NodeProtocol.Version, NodeProtocol.Version),
                Client = new ConnectClient
                {
                    Id = s.NodeId, DisplayName = s.DisplayName ?? Environment.MachineName,
                    Version = typeof(RemoteNodeAgent).Assembly.GetName().Version?.ToString(3),
                    Platform = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "macos" : OperatingSystem.IsWindows() ? "windows" : "unknown",
                    Mode = "headless",
                },
                Role = "node",
                Auth = new ConnectAuth(s.DeviceToken),
                Extensions = new ConnectExtensions(new ConnectMoltis { Caps = ["system.run"], Commands = ["system.run"], Policy = agent.Policy.ToInfo() }),
            };
            await SendAsync(NodeFrame.Req("c-1", "connect", NodeProtocol.ToElement(connect)), ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromSeconds(10));
            var answer = await ReceiveAsync(wait.Token) ?? throw new WebSocketException("gateway closed during the handshake");
            if (answer.Ok != true) return answer.Error ?? new NodeError("PROTOCOL_ERROR", "connect failed");
            NodeId = NodeProtocol.FromElement<HelloOk>(answer.Payload)?.Auth.NodeId ?? s.NodeId ?? "";
            return null;
        }

        public async Task RunAsync(CancellationToken ct)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var telemetry = TelemetryLoopAsync(stop.Token);
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var frame = await ReceiveAsync(stop.Token);
                    if (frame is null) return;
                    if (frame.Type != "event") continue;
                    switch (frame.Event)
                    {
                        case "node.invoke.request" when NodeProtocol.FromElement<InvokeRequest>(frame.Payload) is { InvokeId.Length: > 0 } req:
                            _ = Task.Run(() => InvokeAsync(req, stop.Token), CancellationToken.None);
                            break;
                        case "node.invoke.cancel" when NodeProtocol.FromElement<InvokeCancel>(frame.Payload) is { } cancel:
                            if (_running.TryGetValue(cancel.InvokeId, out var cts)) await cts.CancelAsync();
                            break;
                        case "error":
                            agent.Log("gateway error: " + frame.Payload?.GetRawText());
                            break;
                    }
                }
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                await stop.CancelAsync();
                foreach (var cts in _running.Values) await cts.CancelAsync();
                try { await telemetry; } catch (OperationCanceledException) { }
            }
        }

        private async Task TelemetryLoopAsync(CancellationToken ct)
        {
            var sampler = new TelemetrySampler();
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var sample = await sampler.SampleAsync(NodeId, ct);
                    await RequestAsync("node.event", NodeProtocol.ToElement(new NodeEventParams("node.telemetry", sample)), ct);
                }
                catch (WebSocketException)
                {
                    return;
                }
                await Task.Delay(TelemetryInterval, ct);
            }
        }

        private async Task InvokeAsync(InvokeRequest req, CancellationToken connectionClosed)
        {
            RunResult result;
            if (req.Command != "system.run")
                result = new RunResult { ExitCode = -1, Error = $"unsupported command: {req.Command}" };
            else if (_running.Count >= MaxConcurrent)
                result = new RunResult { ExitCode = -1, Error = $"node busy: {MaxConcurrent} commands already running" };
            else
            {
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(connectionClosed);
                if (!_running.TryAdd(req.InvokeId, cancel)) return;
                long seq = 0;
                try
                {
                    result = await CommandRunner.RunAsync(req.Args ?? new RunArgs(), agent.Settings, agent.Policy,
                        (stream, data) => RequestAsync("node.invoke.chunk",
                            NodeProtocol.ToElement(new InvokeChunk(req.InvokeId, stream, Interlocked.Increment(ref seq) - 1, data)), connectionClosed),
                        cancel.Token);
                }
                finally
                {
                    _running.TryRemove(req.InvokeId, out _);
                }
            }
            try
            {
                await RequestAsync("node.invoke.result", NodeProtocol.ToElement(new InvokeResultParams(req.InvokeId, Fit(req.InvokeId, result))), connectionClosed);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                agent.Log($"could not deliver the result of {req.InvokeId}: {e.Message}");
            }
        }

        /// <summary>Shortens the captured output until the result frame fits the gateway's 512 KiB frame limit.</summary>
        private static RunResult Fit(string invokeId, RunResult r)
        {
            while (NodeProtocol.Serialize(NodeFrame.Req("r", "node.invoke.result",
                       NodeProtocol.ToElement(new InvokeResultParams(invokeId, r)))).Length > NodeProtocol.MaxFrameBytes - 1024)
            {
                var longer = r.Stdout.Length >= r.Stderr.Length;
                r = longer
                    ? r with { Stdout = r.Stdout[..(r.Stdout.Length / 2)], StdoutTruncated = true, Truncated = true }
                    : r with { Stderr = r.Stderr[..(r.Stderr.Length / 2)], StderrTruncated = true, Truncated = true };
            }
            return r;
        }

        private Task RequestAsync(string method, JsonElement @params, CancellationToken ct) =>
            SendAsync(NodeFrame.Req("n-" + Interlocked.Increment(ref _ids), method, @params), ct);

        private async Task SendAsync(NodeFrame frame, CancellationToken ct)
        {
            var bytes = NodeProtocol.Serialize(frame);
            await _send.WaitAsync(ct);
            try { await socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct); }
            finally { _send.Release(); }
        }

        private async Task<NodeFrame?> ReceiveAsync(CancellationToken ct)
        {
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var r = await socket.ReceiveAsync(chunk, ct);
                if (r.MessageType == WebSocketMessageType.Close) return null;
                buffer.Write(chunk, 0, r.Count);
                if (buffer.Length > 4 * NodeProtocol.MaxFrameBytes) throw new WebSocketException("frame too large");
                if (r.EndOfMessage) break;
            }
            return NodeProtocol.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
    }
}
