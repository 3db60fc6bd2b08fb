namespace Moltnet.Bench;

/// <summary>A named scenario: what it measures (for the usage text) and how to run it. <see cref="InSuite"/> marks the
/// ones <c>suite</c> runs, in registry order.</summary>
internal sealed record ScenarioDef(string Name, string Summary, bool InSuite, Func<BenchOptions, List<ScenarioResult>, CancellationToken, Task> Run);

/// <summary>The scenario registry: one entry per scenario (one file each), so adding one is one line here.</summary>
internal static class Scenarios
{
    public static readonly IReadOnlyList<ScenarioDef> All =
    [
        new("ingest", "messages/s accepted (202) by closed-loop HTTP writers, optionally with SSE observers", false,
            async (o, results, ct) => results.Add(await IngestScenario.RunAsync(o, o.Observers ?? 0, null, ct))),
        new("latency", "post-to-delivery latency at a fixed open-loop rate, measured at every SSE observer", false,
            async (o, results, ct) => results.Add(await LatencyScenario.RunAsync(o, ct))),
        new("all", "ingest --observers 0, ingest --observers 100, latency", true, RunAllAsync),
        new("idle", "server memory per idle connection up to 10,000 (moltnet SSE and attach, and every peer)", true,
            async (o, results, ct) => results.Add(await IdleScenario.RunAsync(o, ct))),
        new("storm", "reconnect storm: 1,000 SSE observers drop at once and resume by Last-Event-ID while 500 msg/s flow", true,
            async (o, results, ct) => results.Add(await StormScenario.RunAsync(o, ct))),
        new("peers", "equal-p99 fan-out ceiling of moltnet vs kestrel-sse-hub, nats-server, redis-server, ngircd", true,
            async (o, results, ct) => results.Add(await PeersScenario.RunAsync(o, ct))),
        new("peers-ingest", "closed-loop ingest (msg/s acknowledged, every one delivered to a subscriber) on moltnet and every peer", true,
            async (o, results, ct) => results.Add(await PeersIngestScenario.RunAsync(o, ct))),
        new("cluster", "1 vs 3 replicas on one PostgreSQL the bench starts: msg/s, cross-replica delivery latency (results/cluster/)", false,
            async (o, results, ct) => results.AddRange(await ClusterScenario.RunAsync(o, ct))),
    ];

    public static IEnumerable<string> Names => All.Select(s => s.Name).Append("suite");

    /// <summary>Runs the chosen scenario, or for <c>suite</c> every scenario marked for it, each on fresh servers.</summary>
    public static async Task RunAsync(BenchOptions o, List<ScenarioResult> results, CancellationToken ct)
    {
        if (o.Scenario == "suite")
        {
            // One scenario that cannot finish (an overloaded server, a missing peer) must not lose the others' results.
            foreach (var s in All.Where(s => s.InSuite))
            {
                try
                {
                    await s.Run(o, results, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"moltnet-bench: {s.Name} failed: {e.Message}");
                    results.Add(new ScenarioResult(s.Name, "suite", [new Figure("failed", $"{e.GetType().Name}: {e.Message.Split('\n')[0]}")],
                        "runs to the end", false, [e.ToString().Split('\n')[0]]));
                }
            }
            return;
        }
        await All.Single(s => s.Name == o.Scenario).Run(o, results, ct);
    }

    private static async Task RunAllAsync(BenchOptions o, List<ScenarioResult> results, CancellationToken ct)
    {
        var bare = await IngestScenario.RunAsync(o, 0, null, ct);
        results.Add(bare);
        results.Add(await IngestScenario.RunAsync(o, o.Observers ?? 100, bare.Throughput, ct));
        results.Add(await LatencyScenario.RunAsync(o, ct));
    }
}
