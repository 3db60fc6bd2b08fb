namespace Moltnet.Bench;

/// <summary>Runs the chosen scenario, or all of them in the order the issue lists them, each on a fresh server.</summary>
internal static class Scenarios
{
    public static async Task RunAsync(BenchOptions o, List<ScenarioResult> results, CancellationToken ct)
    {
        switch (o.Scenario)
        {
            case "ingest":
                results.Add(await IngestScenario.RunAsync(o, o.Observers ?? 0, null, ct));
                break;
            case "latency":
                results.Add(await LatencyScenario.RunAsync(o, ct));
                break;
            case "cluster":
                results.AddRange(await ClusterScenario.RunAsync(o, ct));
                break;
            default:
                var bare = await IngestScenario.RunAsync(o, 0, null, ct);
                results.Add(bare);
                results.Add(await IngestScenario.RunAsync(o, o.Observers ?? 100, bare.Throughput, ct));
                results.Add(await LatencyScenario.RunAsync(o, ct));
                break;
        }
    }
}
