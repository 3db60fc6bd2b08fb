using System.Diagnostics;
using System.Net;

namespace Moltnet.Bench;

/// <summary><c>ingest</c>: closed-loop writers post as fast as the server answers 202; optional SSE observers must each
/// receive every accepted message for the figure to count.</summary>
internal static class IngestScenario
{
    public const double TargetPerSecond = 4000;
    public const double ObservedShare = 0.7;

    private sealed class Writer
    {
        public List<long> Accepted { get; } = [];
        public List<long> Latencies { get; } = [];
        public long AcceptedInWindow { get; set; }
        public Dictionary<string, int> Errors { get; } = [];
    }

    /// <param name="baseline">Accepted msg/s of the same run without observers, when known (for the 70% target).</param>
    public static async Task<ScenarioResult> RunAsync(BenchOptions o, int observers, double? baseline, CancellationToken ct)
    {
        var parameters = $"{o.ServerKind}, {o.RoomsText}{o.Writers} writers, {observers} observers, {o.Duration} s (+{o.Warmup} s warm-up), {o.Payload} B text{o.ServerText}";
        Console.WriteLine($"ingest: {parameters}");
        await using var session = await BenchSession.OpenAsync(o, ct);
        await using var group = await ObserverGroup.ConnectAsync(session.Server.Url, observers, session.IdPrefix, ct);
        using var http = BenchHttp.Client(session.Server.Url, o.Writers, TimeSpan.FromSeconds(30));
        var text = BenchHttp.Payload(o.Payload);

        var seq = -1L;
        var measureFrom = Stopwatch.GetTimestamp() + o.Warmup * Stopwatch.Frequency;
        var measureTo = measureFrom + o.Duration * Stopwatch.Frequency;
        var cpu = CpuWindow.MeasureAsync(session.Server.CpuTime, measureFrom, measureTo, ct);
        var writers = await Task.WhenAll(Enumerable.Range(0, o.Writers).Select(_ => Task.Run(async () =>
        {
            var w = new Writer();
            while (Stopwatch.GetTimestamp() is var t0 && t0 < measureTo)
            {
                var n = Interlocked.Increment(ref seq);
                var error = await PostAsync(http, session.IdPrefix, n, text, o.Rooms, ct);
                var measured = t0 >= measureFrom;
                if (error is null)
                {
                    w.Accepted.Add(n);
                    if (!measured) continue;
                    w.AcceptedInWindow++;
                    w.Latencies.Add(Stopwatch.GetTimestamp() - t0);
                }
                else
                {
                    w.Errors[error] = w.Errors.GetValueOrDefault(error) + 1;
                    await Task.Delay(10, ct); // do not spin on a failing server
                }
            }
            return w;
        }, ct)));
        var cpuSummary = await cpu;

        var accepted = writers.SelectMany(w => w.Accepted).ToList();
        var perSecond = writers.Sum(w => w.AcceptedInWindow) / (double)o.Duration;
        var latency = Stats.SortedMs(writers.SelectMany(w => w.Latencies));
        var errors = writers.SelectMany(w => w.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Sum(e => e.Value));
        var errorCount = errors.Values.Sum();
        var drain = await group.DrainAsync(accepted.Count, TimeSpan.FromSeconds(15), ct);
        var missing = group.MissingDeliveries(accepted);

        var figures = new List<Figure>
        {
            new("accepted", $"{Stats.Count(perSecond)} msg/s"),
            new("errors", errorCount == 0 ? "0" : $"{Stats.Count(errorCount)} ({string.Join(", ", errors.Select(e => $"{e.Key}: {Stats.Count(e.Value)}"))})"),
            new("202 latency p50", Stats.Ms(Stats.Percentile(latency, 50))),
            new("202 latency p99", Stats.Ms(Stats.Percentile(latency, 99))),
        };
        if (observers > 0)
        {
            figures.Add(new("deliveries", missing == 0
                ? $"all {Stats.Count(accepted.Count)} msgs × {observers} observers"
                : $"{Stats.Count(missing)} of {Stats.Count((double)accepted.Count * observers)} MISSING"));
            figures.Add(new("observer drain after last 202", Stats.Ms(drain.TotalMilliseconds)));
        }
        figures.Add(new("cpu (measured window)", cpuSummary));

        var details = new List<string>
        {
            $"run tag {session.RunTag}; {Stats.Count(accepted.Count)} messages accepted in total (warm-up included), {Stats.Count(latency.Length)} in the measured window",
            $"202 latency: p50 {Stats.Ms(Stats.Percentile(latency, 50))}, p90 {Stats.Ms(Stats.Percentile(latency, 90))}, p99 {Stats.Ms(Stats.Percentile(latency, 99))}, max {Stats.Ms(Stats.Percentile(latency, 100))}",
        };
        if (observers > 0)
        {
            details.Add($"observers: {observers}; missing deliveries {missing}; duplicates {group.Duplicates}; lag notices (caught up from the log) {group.LagNotices}; closed early {group.ClosedEarly}");
            details.Add($"delivered events/s over the measured window: {Stats.Count(perSecond * observers)}");
        }
        details.Add(await session.StopAsync());

        var (target, met) = Target(o, observers, baseline, perSecond, missing, errorCount);
        return new ScenarioResult($"ingest (observers={observers})", parameters, figures, target, met, details) { Throughput = perSecond, ServerLog = session.Server.LogDigest() };
    }

    /// <summary>Posts message <paramref name="n"/>; null when the server answered 202, else a short error kind.</summary>
    private static async Task<string?> PostAsync(HttpClient http, string prefix, long n, string text, int rooms, CancellationToken ct)
    {
        using var request = BenchHttp.PostMessage(prefix, n, text, rooms);
        try
        {
            using var response = await http.SendAsync(request, ct);
            return response.StatusCode == HttpStatusCode.Accepted ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError.ToString();
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return "timeout";
        }
    }

    private static (string? Target, bool? Met) Target(BenchOptions o, int observers, double? baseline, double perSecond, long missing, int errors)
    {
        if (!o.IssueSetup) return (null, null);
        var honest = missing == 0 && errors == 0;
        if (observers == 0) return ($"≥ {Stats.Count(TargetPerSecond)} msg/s", honest && perSecond >= TargetPerSecond);
        if (observers != 100) return (null, null);
        // 70% of the 4,000 target, and no worse than 70% of what the same build did without observers.
        var floor = TargetPerSecond * ObservedShare;
        var text = $"≥ {Stats.Count(floor)} msg/s (70% of {Stats.Count(TargetPerSecond)})";
        if (baseline is { } b) text += $" and ≥ {Stats.Count(b * ObservedShare)} (70% of observers=0)";
        return ($"{text}, every delivery", honest && perSecond >= floor && perSecond >= (baseline ?? 0) * ObservedShare);
    }
}
