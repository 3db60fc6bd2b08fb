using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Moltnet.Cluster;

namespace Moltnet.Web.Nodes;

/// <summary>What an exec asks for, already authorised (the caller holds the <c>exec</c> scope).</summary>
public sealed record ExecCall(ExecRequest Request, string Actor);

// Exec: node resolution (explicit node, else the conversation's selection, never local), validation, audit, and the
// call itself, directly on this replica's socket or through the bus to the replica that holds the node.
public sealed partial class NodeGateway
{
    public const int MaxCommandChars = 65536;
    public const int DefaultTimeoutMs = 30_000;
    public const int MaxTimeoutMs = 1_800_000;
    private const int PieceChars = 1500;

    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RemoteCall> _calls = new(StringComparer.Ordinal);

    /// <summary>Checks the request and resolves its node (404/409/422 before anything runs).</summary>
    public async Task<(NodeInfo Node, string ExecId, RunArgs Args)> PrepareAsync(ExecRequest r, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r.Command)) throw MoltnetException.BadRequest("command is required");
        if (r.Command.Length > MaxCommandChars) throw MoltnetException.BadRequest($"command must be at most {MaxCommandChars} characters");
        if (r.TimeoutMs is < 1 or > MaxTimeoutMs) throw MoltnetException.BadRequest($"timeout_ms must be between 1 and {MaxTimeoutMs}");
        if (r.Cwd is { Length: > 4096 }) throw MoltnetException.BadRequest("cwd must be at most 4096 characters");
        if (r.ExecId is { } id && !Ids.IsValid(id)) throw MoltnetException.BadRequest($"invalid exec_id \"{id}\"");
        if (r.ExecId is { } taken && (_running.ContainsKey(taken) || _calls.ContainsKey(taken)))
            throw MoltnetException.Conflict($"exec \"{taken}\" is already running");
        var nodeRef = r.Node is { Length: > 0 } ? r.Node
            : r.ConversationId is { Length: > 0 } conv ? (await Inventory.SelectionAsync(conv, ct)).NodeId
            : null;
        if (nodeRef is null)
            throw MoltnetException.Unprocessable(r.ConversationId is null
                ? "node is required (or a conversation_id with a selected node)"
                : $"no node is selected for conversation \"{r.ConversationId}\"; select one or pass node");
        var node = await Inventory.DescribeAsync(nodeRef, ct);
        if (node.Revoked) throw MoltnetException.Conflict($"node \"{node.NodeId}\" is revoked");
        if (!node.Connected) throw MoltnetException.Conflict($"node \"{node.NodeId}\" is not connected");
        var args = new RunArgs
        {
            Command = r.Command,
            Timeout = r.TimeoutMs ?? DefaultTimeoutMs,
            Cwd = string.IsNullOrWhiteSpace(r.Cwd) ? null : r.Cwd,
            Env = EnvFilter.Apply(r.Env),
        };
        return (node, r.ExecId ?? "exec_" + Guid.NewGuid().ToString("N"), args);
    }

    /// <summary>Runs a prepared exec, audited before and after, streaming output to <paramref name="onChunk"/>.
    /// Cancelling <paramref name="ct"/> (or <see cref="CancelAsync"/>) cancels the command on the node.</summary>
    public async Task<ExecResult> ExecAsync(ExecCall call, NodeInfo node, string execId, RunArgs args, Func<InvokeChunk, Task> onChunk, CancellationToken ct)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (!_running.TryAdd(execId, cancel)) throw MoltnetException.Conflict($"exec \"{execId}\" is already running");
        var nodeGrain = grains.GetGrain<INodeGrain>(node.NodeId);
        var started = DateTimeOffset.UtcNow;
        try
        {
            await nodeGrain.AuditAsync(NodeEventTypes.ExecStarted, new EventNode
            {
                NodeId = node.NodeId, DisplayName = node.DisplayName, ExecId = execId, Actor = call.Actor,
                ConversationId = call.Request.ConversationId, Command = Clip(args.Command!, 1000), Cwd = args.Cwd, ReplicaId = ReplicaId,
            }, ct);
            var wait = TimeSpan.FromMilliseconds(Math.Max(args.Timeout ?? DefaultTimeoutMs, 5000) + 5000);
            RunResult result;
            if (Local(node.NodeId) is { } session)
                result = await session.InvokeAsync(execId, args, onChunk, wait, cancel.Token);
            else if (node.ReplicaId is { } holder && holder != ReplicaId)
                result = await RemoteInvokeAsync(holder, node.NodeId, execId, args, onChunk, wait, cancel.Token);
            else
                result = new RunResult { ExitCode = -1, Error = $"node \"{node.NodeId}\" is not connected" };
            var outcome = new ExecResult
            {
                ExecId = execId,
                NodeId = node.NodeId,
                ExitCode = result.ExitCode,
                Stdout = result.Stdout,
                Stderr = result.Stderr,
                StdoutTruncated = result.StdoutTruncated,
                StderrTruncated = result.StderrTruncated,
                TimedOut = result.TimedOut,
                Cancelled = result.Cancelled,
                Error = result.Error,
                DurationMs = (long)(DateTimeOffset.UtcNow - started).TotalMilliseconds,
            };
            await nodeGrain.AuditAsync(NodeEventTypes.ExecFinished, new EventNode
            {
                NodeId = node.NodeId, DisplayName = node.DisplayName, ExecId = execId, Actor = call.Actor,
                ConversationId = call.Request.ConversationId, Command = Clip(args.Command!, 1000), Cwd = args.Cwd,
                ExitCode = outcome.ExitCode, TimedOut = outcome.TimedOut, Cancelled = outcome.Cancelled, Error = outcome.Error, ReplicaId = ReplicaId,
            }, CancellationToken.None);
            NodeLog.ExecFinished(log, execId, node.NodeId, call.Actor, outcome.ExitCode);
            return outcome;
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(execId, cancel));
        }
    }

    /// <summary>Cancels an exec wherever it runs (the replica that took the request and the one holding the node).</summary>
    public Task CancelAsync(string execId, CancellationToken ct) =>
        bus.PublishAsync(CancelTopic, BusJson.Write(new CancelMessage(execId)), null, ct);

    private Task OnCancel(ClusterMessage m)
    {
        if (BusJson.Read<CancelMessage>(m.Payload) is { } c && _running.TryGetValue(c.ExecId, out var cts))
        {
            try { cts.Cancel(); } catch (ObjectDisposedException) { }
        }
        return Task.CompletedTask;
    }

    // The replica that took the request --------------------------------------------------------------------------

    private async Task<RunResult> RemoteInvokeAsync(string holder, string nodeId, string execId, RunArgs args,
        Func<InvokeChunk, Task> onChunk, TimeSpan wait, CancellationToken ct)
    {
        var call = new RemoteCall();
        _calls[execId] = call;
        using var hard = new CancellationTokenSource(wait + TimeSpan.FromSeconds(10));
        await using var onCancel = ct.Register(() =>
        {
            _ = bus.PublishAsync(CancelTopic, BusJson.Write(new CancelMessage(execId)), holder, CancellationToken.None);
            try { hard.CancelAfter(TimeSpan.FromSeconds(10)); } catch (ObjectDisposedException) { }
        });
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        try
        {
            await bus.PublishAsync(ExecTopic, BusJson.Write(new RemoteExecMessage(execId, nodeId, ReplicaId, args, (long)wait.TotalMilliseconds)), holder, ct);
            long seq = 0;
            await foreach (var piece in call.Pieces.Reader.ReadAllAsync(hard.Token))
            {
                if (piece.Result is { } result)
                    return result with { Stdout = stdout.ToString(), Stderr = stderr.ToString() };
                (piece.Stream == "stderr" ? stderr : stdout).Append(piece.Data);
                await onChunk(new InvokeChunk(execId, piece.Stream ?? "stdout", seq++, piece.Data ?? ""));
            }
            return new RunResult { ExitCode = -1, Error = "the replica holding the node did not answer" };
        }
        catch (OperationCanceledException) when (hard.IsCancellationRequested)
        {
            return new RunResult { ExitCode = -1, Error = "the replica holding the node did not answer in time", Cancelled = ct.IsCancellationRequested };
        }
        finally
        {
            _calls.TryRemove(execId, out _);
        }
    }

    private Task OnRemoteChunk(ClusterMessage m, bool done)
    {
        if (BusJson.Read<RemoteExecPiece>(m.Payload) is { } piece && _calls.TryGetValue(piece.ExecId, out var call)) call.Add(piece);
        return Task.CompletedTask;
    }

    /// <summary>Pieces arrive unordered; they are released in seq order.</summary>
    private sealed class RemoteCall
    {
        private readonly Lock _lock = new();
        private readonly SortedDictionary<long, RemoteExecPiece> _early = [];
        private long _next;
        public Channel<RemoteExecPiece> Pieces { get; } = Channel.CreateUnbounded<RemoteExecPiece>();

        public void Add(RemoteExecPiece piece)
        {
            lock (_lock)
            {
                if (piece.Seq < _next) return;
                _early[piece.Seq] = piece;
                while (_early.Remove(_next, out var ready))
                {
                    Pieces.Writer.TryWrite(ready);
                    _next++;
                }
            }
        }
    }

    // The replica that holds the node -----------------------------------------------------------------------------

    private async Task OnRemoteExecAsync(ClusterMessage m)
    {
        if (BusJson.Read<RemoteExecMessage>(m.Payload) is not { } x) return;
        long seq = 0;
        var sendLock = new SemaphoreSlim(1, 1);
        async Task Send(string? stream, string? data, RunResult? result)
        {
            await sendLock.WaitAsync();
            try
            {
                await bus.PublishAsync(result is null ? ChunkTopic : DoneTopic,
                    BusJson.Write(new RemoteExecPiece(x.ExecId, seq++, stream, data, result)), x.ReplyTo, CancellationToken.None);
            }
            finally
            {
                sendLock.Release();
            }
        }
        try
        {
            RunResult result;
            if (Local(x.NodeId) is not { } session)
                result = new RunResult { ExitCode = -1, Error = $"node \"{x.NodeId}\" is not connected" };
            else
            {
                using var cancel = new CancellationTokenSource();
                if (!_running.TryAdd(x.ExecId, cancel)) return;
                try
                {
                    result = await session.InvokeAsync(x.ExecId, x.Args, async chunk =>
                    {
                        for (var i = 0; i < chunk.Data.Length; i += PieceChars)
                            await Send(chunk.Stream, chunk.Data.Substring(i, Math.Min(PieceChars, chunk.Data.Length - i)), null);
                    }, TimeSpan.FromMilliseconds(x.WaitMs), cancel.Token);
                }
                finally
                {
                    _running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(x.ExecId, cancel));
                }
            }
            await Send(null, null, result with { Stdout = "", Stderr = "", Error = result.Error is null ? null : Clip(result.Error, 1000) });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NodeLog.BusMessageFailed(log, e, m.Topic);
            await Send(null, null, new RunResult { ExitCode = -1, Error = "exec failed on the replica holding the node" });
        }
    }

    private static string Clip(string s, int max) => s.Length > max ? s[..max] + "…" : s;
}

/// <summary>The forwarded-environment filter (remote-nodes.md §8, brief): only <c>TERM</c>, <c>LANG</c> and <c>LC_*</c>
/// with valid names pass; everything else is dropped. The node applies it again.</summary>
public static partial class EnvFilter
{
    public static IReadOnlyDictionary<string, string>? Apply(IReadOnlyDictionary<string, string>? env)
    {
        if (env is null) return null;
        var kept = env.Where(kv => Allowed(kv.Key) && kv.Value is { Length: <= 4096 } && !kv.Value.Contains('\0'))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return kept.Count == 0 ? null : kept;
    }

    public static bool Allowed(string key) =>
        Name().IsMatch(key) && (key is "TERM" or "LANG" || key.StartsWith("LC_", StringComparison.Ordinal));

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex Name();
}
