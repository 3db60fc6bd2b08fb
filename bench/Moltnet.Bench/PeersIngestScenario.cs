using System.Diagnostics;
using System.Globalization;
using System.Text;
using Moltnet.Bench.Peers;

namespace Moltnet.Bench;

/// <summary><c>peers-ingest</c>: the <c>ingest</c> workload on every system of the side-by-side list. Per system, a fresh
/// server, one subscriber that must receive every message, and <c>--writers</c> (default 64, as <c>ingest</c>)
/// closed-loop publishes in flight: each sends the next message as soon as the system acknowledged the last (HTTP: a
/// 202; NATS, Redis, IRC: the answer to a PING written after it, see each target's <see cref="Target.Acknowledgement"/>),
/// for <c>--warmup</c> unmeasured seconds and then <c>--duration</c> measured ones. "moltnet ÷ peer" divides accepted
/// msg/s.</summary>
internal static class PeersIngestScenario
{
    private sealed class Writer
    {
        public List<long> Accepted { get; } = [];
        public List<long> Latencies { get; } = [];
        public long AcceptedInWindow { get; set; }
        public Dictionary<string, int> Errors { get; } = [];
    }

    private sealed record Row(
        string Name, string Version, string Path, string Acknowledgement, double Accepted, double Delivered, long AcceptedTotal,
        long Missing, long Errors, double AckP50, double AckP99, string Cpu, string Detail, string? Failure = null);

    public static async Task<ScenarioResult> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var parameters = $"{o.Writers} publishes in flight (closed loop), 1 subscriber, {o.Duration} s (+{o.Warmup} s warm-up), {o.Payload} B text";
        Console.WriteLine($"peers-ingest: {parameters}");
        var rows = new List<Row>();
        foreach (var name in o.PeerSystems)
        {
            await using var target = PeersScenario.Create(name, o);
            try
            {
                rows.Add(await RunSystemAsync(target, o, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var failure = $"{e.GetType().Name}: {e.Message.Split('\n')[0]}";
                Console.WriteLine($"  {name}: failed: {failure}");
                rows.Add(new Row(name, target.Version, target.Path, target.Acknowledgement, 0, 0, 0, 0, 0, double.NaN, double.NaN, "", failure, failure));
            }
        }

        var ours = rows.FirstOrDefault(r => r.Name == "moltnet" && r.Failure is null);
        var figures = rows.Select(r => new Figure(r.Name, r.Failure is not null ? $"failed: {r.Failure}"
            : $"{Stats.Count(r.Accepted)} msg/s accepted, {Stats.Count(r.Delivered)} msg/s delivered, {Missing(r)} missing, {Stats.Count(r.Errors)} errors"
              + (ours is null || r.Name == "moltnet" ? "" : $"; moltnet ÷ {r.Name} = {Ratio(ours, r)}"))).ToList();
        var bars = Svg.Bars($"accepted msg/s, {o.Writers} publishes in flight, 1 subscriber", "msg/s",
            rows.Select(r => (r.Name, r.Accepted)).ToList());
        return new ScenarioResult("peers-ingest", parameters, figures, null, null, rows.Select(r => $"{r.Name} ({r.Version}; {r.Path}): {r.Detail}").ToList())
        {
            Markdown = Table(rows, ours, o),
            Charts = [new Chart("peers-ingest.svg", "accepted msg/s, closed loop", bars)],
        };
    }

    private static async Task<Row> RunSystemAsync(Target target, BenchOptions o, CancellationToken ct)
    {
        Console.WriteLine($"  {target.Name}: starting");
        await target.StartAsync(ct);
        var prefix = BenchHttp.MessageIdPrefix(BenchHttp.NewRunTag());
        await using var subscriber = await target.SubscribeAsync(0, prefix, ct);
        await using var publisher = await target.OpenPublisherAsync(prefix, o.Payload, o.Writers, ct);

        var seq = -1L;
        var measureFrom = Stopwatch.GetTimestamp() + o.Warmup * Stopwatch.Frequency;
        var measureTo = measureFrom + o.Duration * Stopwatch.Frequency;
        // A system that stops answering must not hold the suite: unanswered publishes are given up 30 s after the end.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);
        abandon.CancelAfter(TimeSpan.FromSeconds(o.Warmup + o.Duration + 30));
        var cpu = CpuWindow.MeasureAsync(target.CpuTime, measureFrom, measureTo, ct);
        var writers = await Task.WhenAll(Enumerable.Range(0, o.Writers).Select(_ => Task.Run(async () =>
        {
            var w = new Writer();
            while (Stopwatch.GetTimestamp() is var t0 && t0 < measureTo)
            {
                var n = Interlocked.Increment(ref seq);
                var error = await PublishAsync(publisher, n, abandon.Token, ct);
                if (error is null)
                {
                    w.Accepted.Add(n);
                    if (t0 < measureFrom) continue;
                    w.AcceptedInWindow++;
                    w.Latencies.Add(Stopwatch.GetTimestamp() - t0);
                }
                else
                {
                    w.Errors[error] = w.Errors.GetValueOrDefault(error) + 1;
                    if (abandon.IsCancellationRequested) break;
                    await Task.Delay(10, ct); // do not spin on a failing server
                }
            }
            return w;
        }, ct)));
        var publishingEnded = Stopwatch.GetTimestamp();
        var cpuSummary = await cpu;

        var accepted = writers.SelectMany(w => w.Accepted).ToList();
        await RateStep.DrainAsync([subscriber], accepted.Count, TimeSpan.FromSeconds(5), ct);
        var errors = writers.SelectMany(w => w.Errors).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => (long)g.Sum(e => e.Value));
        if (publisher.AsyncErrors > 0) errors["error replies"] = publisher.AsyncErrors;
        var log = subscriber.Log;
        var missing = accepted.LongCount(n => log.ReceivedAt(n) == 0);
        long deliveredInWindow = 0, lastReceived = 0;
        for (var n = 0L; n <= Interlocked.Read(ref seq); n++)
        {
            var at = log.ReceivedAt(n);
            if (at >= measureFrom && at < measureTo) deliveredInWindow++;
            lastReceived = Math.Max(lastReceived, at);
        }
        var latency = Stats.SortedMs(writers.SelectMany(w => w.Latencies));
        var row = new Row(target.Name, target.Version, target.Path, target.Acknowledgement,
            writers.Sum(w => w.AcceptedInWindow) / (double)o.Duration, deliveredInWindow / (double)o.Duration, accepted.Count, missing,
            errors.Values.Sum(), Stats.Percentile(latency, 50), Stats.Percentile(latency, 99), cpuSummary, "");
        var detail = $"accepted = {target.Acknowledgement}; {Stats.Count(accepted.Count)} accepted in total (warm-up included), {Stats.Count(latency.Length)} in the measured window; "
            + $"ack latency p50 {Stats.Ms(row.AckP50)}, p99 {Stats.Ms(row.AckP99)}, max {Stats.Ms(Stats.Percentile(latency, 100))}; "
            + $"missing {Stats.Count(missing)}, duplicates {Stats.Count(log.Duplicates)}, subscriber closed early: {subscriber.ClosedEarly ?? "no"}; "
            + $"subscriber drained {Stats.Ms(lastReceived > publishingEnded ? Stats.TicksToMs(lastReceived - publishingEnded) : 0)} after the last answer; "
            + $"errors {(errors.Count == 0 ? "0" : string.Join(", ", errors.Select(e => $"{e.Key}: {Stats.Count(e.Value)}")))}; "
            + $"cpu {cpuSummary}; server RSS after {(target.Rss() is { } rss ? $"{rss / 1048576.0:0} MiB" : "n/a")}";
        Console.WriteLine($"  {target.Name}: {Stats.Count(row.Accepted)} msg/s accepted, {Stats.Count(row.Delivered)} delivered, {Missing(row)} missing, {Stats.Count(row.Errors)} errors");
        return row with { Detail = detail };
    }

    /// <summary>One publish; null when acknowledged, else a short error kind.</summary>
    private static async Task<string?> PublishAsync(Publisher publisher, long n, CancellationToken abandon, CancellationToken ct)
    {
        try
        {
            return await publisher.PublishAsync(n, abandon);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return "no answer";
        }
    }

    private static string Missing(Row r) => r.Missing == 0 ? "none" : $"{Stats.Count(r.Missing)} of {Stats.Count(r.AcceptedTotal)}";

    private static string Ratio(Row ours, Row peer) =>
        peer.Accepted > 0 ? (ours.Accepted / peer.Accepted).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    private static string Table(List<Row> rows, Row? ours, BenchOptions o)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"### Side by side: ingest, {o.Writers} publishes in flight, 1 subscriber").AppendLine();
        sb.AppendLine("| system | version | message path | accepted means | accepted msg/s | delivered msg/s | missing | errors | ack p50 / p99 | server CPU | moltnet ÷ system |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            if (r.Failure is not null)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {r.Version} | {r.Path} | {r.Acknowledgement} | failed: {r.Failure.Replace("|", "\\|", StringComparison.Ordinal)} | | | | | | n/a |");
                continue;
            }
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Version} | {r.Path} | {r.Acknowledgement} | {Stats.Count(r.Accepted)} | {Stats.Count(r.Delivered)} | {Missing(r)} | {Stats.Count(r.Errors)} | "
                + $"{Stats.Ms(r.AckP50)} / {Stats.Ms(r.AckP99)} | {r.Cpu.Split(',')[0]} | {(ours is null ? "n/a" : Ratio(ours, r))} |");
        }
        sb.AppendLine().AppendLine("Accepted: publishes started in the measured window that the system acknowledged, per second; delivered: messages the "
            + "subscriber read in that window, per second. A row with missing deliveries or errors did not do the workload. NATS, Redis and IRC "
            + "have no per-message answer to a publish, so a PING follows each pipelined batch and its answer acknowledges the batch. "
            + "The bench client shares the machine's cores with the server: a figure where the bench's own CPU (see Details) is near a full core is a floor for that system.");
        return sb.ToString();
    }
}
