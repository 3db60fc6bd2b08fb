using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Runtimes;

namespace Moltnet.NodeClient.Daemon;

public static partial class NodeDaemon
{
    /// <summary>Runs every attachment; one that stops (fatal problem) leaves the others running. Ends with exit 0 on
    /// cancellation, exit 1 when every attachment stopped on its own.</summary>
    private static async Task<NodeRunResult> RunAttachmentsAsync(MoltnetNode config, HttpClient http, StatusBoard board, string? stateDir,
        NodeDaemonOptions options, CancellationToken ct)
    {
        var loops = new List<Task>();
        var adapters = new List<IRuntimeAdapter>();
        var errors = new List<string>();
        foreach (var a in config.Attachments)
        {
            AttachmentLoop? loop = null;
            string? Token() => loop?.Token ?? a.Credentials.Token;
            var publisher = new MoltnetPublisher(http, config.Moltnet.BaseUrl, a.Agent.Id, a.Agent.Name, Token);
            var context = new RuntimeContext(a, config.Moltnet.BaseUrl, config.Moltnet.NetworkId, publisher, options.Log, Token, options.Time, http)
            {
                StateDirectory = stateDir,
            };
            IRuntimeAdapter adapter;
            try
            {
                adapter = RuntimeFactory.Create(context);
            }
            catch (RuntimeSetupException e)
            {
                errors.Add($"attachment {a.Agent.Id}: {e.Message}");
                continue;
            }
            adapters.Add(adapter);
            var cursors = new CursorStore(stateDir, config.Moltnet.NetworkId, a.Agent.Id, options.Time);
            loop = new AttachmentLoop(a, config, adapter, cursors, board, options.Attachment with { Time = options.Time }, options.Log);
            loops.Add(RunOneAsync(loop, a.Agent.Id, errors, ct));
        }
        if (errors.Count > 0 && loops.Count == 0) return new NodeRunResult(1, string.Join('\n', errors));
        foreach (var e in errors) options.Log.Error("node", e);
        try
        {
            await Task.WhenAll(loops);
        }
        finally
        {
            foreach (var adapter in adapters) await adapter.DisposeAsync();
        }
        if (ct.IsCancellationRequested) return new NodeRunResult(0);
        lock (errors) return new NodeRunResult(1, string.Join('\n', errors));
    }

    private static async Task RunOneAsync(AttachmentLoop loop, string agentId, List<string> errors, CancellationToken ct)
    {
        try
        {
            await Task.Run(() => loop.RunAsync(ct), CancellationToken.None);
        }
        catch (AttachmentFatalException e)
        {
            lock (errors) errors.Add($"attachment {agentId}: {e.Message}");
        }
    }
}
