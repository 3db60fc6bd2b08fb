using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Daemon;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// The CLI engine of <c>claude-code</c> and <c>codex</c> (spec node-and-cli §3, improvements node 4–5): a wake is
/// accepted by queueing it under the conversation's session key; a drain runs the CLI in the workspace with the client
/// config in <c>MOLTNET_CLIENT_CONFIG</c>, resuming the conversation's session. The agent replies with
/// <c>moltnet send</c>; stdout never becomes a message.
/// </summary>
public sealed partial class CliRuntime : IRuntimeAdapter
{
    private readonly RuntimeContext _context;
    private readonly NodeRuntime _rt;
    private readonly SessionStore _sessions;
    private readonly ConversationQueues _queues;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _keyLocks = new(StringComparer.Ordinal);

    public CliRuntime(RuntimeContext context, int maxAttempts)
    {
        _context = context;
        _rt = context.Attachment.Runtime;
        _sessions = new SessionStore(_rt.SessionStorePath, context.Time);
        _queues = new ConversationQueues(RunAsync, ConversationQueues.DefaultCapacity, maxAttempts,
            (key, e) => context.Log.Error("cli", "runtime run failed; giving up on its messages", ("agent", context.Attachment.Agent.Id), ("session", key), ("error", e.Message)));
    }

    public Task<Task> DeliverAsync(Wake wake, CancellationToken ct)
    {
        var key = ConversationKeys.CliSessionKey(_rt.SessionPrefix, _context.Attachment.Agent.Id, wake.NetworkId, wake.Message);
        return Task.FromResult(_queues.Enqueue(key, wake));
    }

    public BootstrapTiming Bootstrap => BootstrapTiming.AfterReady;

    /// <summary>The bootstrap prompt runs in the room's session, outside the queue but holding the session key.</summary>
    public Task BootstrapAsync(BootstrapWake wake, CancellationToken ct)
    {
        var key = ConversationKeys.CliSessionKey(_rt.SessionPrefix, _context.Attachment.Agent.Id, wake.NetworkId, wake.Room);
        return RunPromptAsync(key, Prompts.Bootstrap(wake.NetworkId, wake.RoomId), 1, ct);
    }

    private Task RunAsync(string key, IReadOnlyList<Wake> batch, CancellationToken ct) =>
        RunPromptAsync(key, Prompts.Batch(batch[0].NetworkId, batch.Select(w => w.Message).ToList()), batch.Count, ct);

    /// <summary>One run of the CLI in the conversation <paramref name="key"/>; runs of the same key never overlap.</summary>
    private async Task RunPromptAsync(string key, string prompt, int messages, CancellationToken ct)
    {
        var gate = _keyLocks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await RunLockedAsync(key, prompt, messages, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task RunLockedAsync(string key, string prompt, int messages, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MOLTNET_CLIENT_CONFIG"] = ClientConfigWriter.Upsert(_rt.WorkspacePath, _context.Attachment, _context.BaseUrl, _context.NetworkId, _context.Token()),
        };
        if (_rt.HomePath.Length > 0)
        {
            env["HOME"] = _rt.HomePath;
            if (_rt.Kind == RuntimeKinds.Codex) env["CODEX_HOME"] = Path.Combine(_rt.HomePath, ".codex");
        }
        _context.Log.Info("cli", "running runtime", ("agent", _context.Attachment.Agent.Id), ("session", key), ("messages", messages));
        if (_rt.Kind == RuntimeKinds.Codex) await RunCodexAsync(key, prompt, env, ct);
        else await RunClaudeAsync(key, prompt, env, ct);
    }

    private Task<ProcessResult> ExecAsync(IEnumerable<string> args, Dictionary<string, string> env, string? stdin, CancellationToken ct) =>
        ProcessRunner.RunAsync(_rt.Command, args, _rt.WorkspacePath, env, stdin, ProcessRunner.DefaultTimeout, ct);

    private static InvalidOperationException Failed(string what, ProcessResult r) =>
        new($"{what} exited with {r.ExitCode}: {r.ErrorText}");

    public async ValueTask DisposeAsync() => await _queues.StopAsync();
}
