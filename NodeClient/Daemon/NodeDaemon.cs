using Moltnet.NodeClient.Configuration;

namespace Moltnet.NodeClient.Daemon;

/// <summary>How <see cref="NodeDaemon"/> runs: log, clock, HTTP, and how long preflight waits for the server.</summary>
public sealed record NodeDaemonOptions
{
    public NodeLog Log { get; init; } = new(TextWriter.Null);
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How long the preflight keeps retrying an unreachable server before the node gives up (improvements node 2).</summary>
    public TimeSpan PreflightPatience { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Timings of each attachment loop (its clock is <see cref="Time"/>).</summary>
    public AttachmentOptions Attachment { get; init; } = new();

    /// <summary>The node's state directory; default <c>&lt;config dir&gt;/.moltnet/node</c>.</summary>
    public string? StateDirectory { get; init; }
}

/// <summary>Exit code and the error line to print (if any).</summary>
public sealed record NodeRunResult(int ExitCode, string? Error = null);

/// <summary>
/// The supervisor of <c>moltnet node start</c> (spec node-and-cli §2.1 with improvements node 1–3): preflight every
/// attachment (retrying while the server is unreachable), then run one supervised attachment loop per agent. A failing
/// attachment never stops the others; the node ends on cancellation (exit 0) or when every attachment gave up.
/// </summary>
public static partial class NodeDaemon
{
    public static async Task<NodeRunResult> RunAsync(MoltnetNode config, NodeDaemonOptions options, CancellationToken ct)
    {
        var log = options.Log;
        var stateDir = options.StateDirectory ?? (config.SourcePath is { } p ? StateFiles.StateDirectory(p) : null);
        var board = new StatusBoard(stateDir, config.Moltnet.BaseUrl, config.Moltnet.NetworkId,
            config.Attachments.Select(a => (a.Agent.Id, a.Runtime.Kind)), options.Time);
        try
        {
            if (config.Attachments.Count == 0)
            {
                log.Info("node", "no attachments configured; idling until stopped");
                await WaitForCancellationAsync(ct);
                return new NodeRunResult(0);
            }
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var failures = await PreflightAsync(config, http, options, ct);
            if (failures is not null) return new NodeRunResult(1, failures);
            return await RunAttachmentsAsync(config, http, board, stateDir, options, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return new NodeRunResult(0);
        }
        finally
        {
            board.Stop();
            log.Info("node", "stopped");
        }
    }

    private static async Task WaitForCancellationAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One check per distinct (base url, network, token, needs DMs); unreachable servers are retried with
    /// backoff for <see cref="NodeDaemonOptions.PreflightPatience"/>. Returns every failure, or null.</summary>
    private static async Task<string?> PreflightAsync(MoltnetNode config, HttpClient http, NodeDaemonOptions options, CancellationToken ct)
    {
        var cache = new Dictionary<(string, bool), string?>();
        var failures = new List<string>();
        foreach (var a in config.Attachments)
        {
            var token = a.Credentials.Token;
            var needsDms = Preflight.NeedsDms(a);
            if (!cache.TryGetValue((token ?? "", needsDms), out var problem))
            {
                problem = await CheckWithRetryAsync(config, http, token, needsDms, options, ct);
                cache[(token ?? "", needsDms)] = problem;
            }
            if (problem is not null) failures.Add($"attachment {a.Agent.Id}: {problem}");
        }
        return failures.Count == 0 ? null : string.Join('\n', failures);
    }

    private static async Task<string?> CheckWithRetryAsync(MoltnetNode config, HttpClient http, string? token, bool needsDms, NodeDaemonOptions options, CancellationToken ct)
    {
        var deadline = options.Time.GetUtcNow() + options.PreflightPatience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Preflight.CheckAsync(http, config.Moltnet.BaseUrl, config.Moltnet.NetworkId, token, needsDms, ct);
            }
            catch (PreflightUnreachableException e)
            {
                var delay = Backoff.Delay(attempt, Random.Shared);
                if (options.Time.GetUtcNow() + delay > deadline) return e.Message;
                options.Log.Warn("node", "server not reachable yet; retrying", ("error", e.Message), ("retry_in", delay));
                await Task.Delay(delay, options.Time, ct);
            }
        }
    }
}
