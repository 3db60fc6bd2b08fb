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

    private async Task RunAsync(string key, IReadOnlyList<Wake> batch, CancellationToken ct)
    {
        var prompt = Prompts.Batch(batch[0].NetworkId, batch.Select(w => w.Message).ToList());
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MOLTNET_CLIENT_CONFIG"] = ClientConfigWriter.Upsert(_rt.WorkspacePath, _context.Attachment, _context.BaseUrl, _context.NetworkId, _context.Token()),
        };
        if (_rt.HomePath.Length > 0)
        {
            env["HOME"] = _rt.HomePath;
            if (_rt.Kind == RuntimeKinds.Codex) env["CODEX_HOME"] = Path.Combine(_rt.HomePath, ".codex");
        }
        _context.Log.Info("cli", "running runtime", ("agent", _context.Attachment.Agent.Id), ("session", key), ("messages", batch.Count));
        if (_rt.Kind == RuntimeKinds.Codex) await RunCodexAsync(key, prompt, env, ct);
        else await RunClaudeAsync(key, prompt, env, ct);
    }

    private Task<ProcessResult> ExecAsync(IEnumerable<string> args, Dictionary<string, string> env, string? stdin, CancellationToken ct) =>
        ProcessRunner.RunAsync(_rt.Command, args, _rt.WorkspacePath, env, stdin, ProcessRunner.DefaultTimeout, ct);

    private static InvalidOperationException Failed(string what, ProcessResult r) =>
        new($"{what} exited with {r.ExitCode}: {r.ErrorText}");

    public async ValueTask DisposeAsync() => await _queues.StopAsync();
}
