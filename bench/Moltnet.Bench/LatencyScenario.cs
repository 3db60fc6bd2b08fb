using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Moltnet.Bench;

/// <summary><c>latency</c>: messages sent open-loop on a fixed schedule (a slow answer never delays the next send), and
/// for every (message, observer) pair the time from the moment the POST was issued to the moment the observer read the
/// event off its socket. Everything runs in one process, so both ends read the same monotonic clock.</summary>
internal static class LatencyScenario
{
    public const double TargetP99Ms = 20;
    private static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(10);

    public static async Task<ScenarioResult> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var observers = o.Observers ?? 100;
        var parameters = $"{o.ServerKind}, {o.RoomsText}{Stats.Count(o.Rate)} msg/s open-loop, {observers} observers, {o.Connections} connections, {o.Duration} s (+{o.Warmup} s warm-up), {o.Payload} B text{o.ServerText}";
        Console.WriteLine($"latency: {parameters}");
        await using var session = await BenchSession.OpenAsync(o, ct);
        await using var group = await ObserverGroup.ConnectAsync(session.Server.Url, observers, session.IdPrefix, ct);
        using var http = BenchHttp.Client(session.Server.Url, o.Connections, TimeSpan.FromSeconds(30));
        var text = BenchHttp.Payload(o.Payload);

        var total = o.Rate * (o.Warmup + o.Duration);
        var firstMeasured = o.Rate * o.Warmup;
        var sentAt = new long[total];
        var ackTicks = new long[total];
        var status = new int[total];
        var errors = new ConcurrentDictionary<string, int>();
        var sends = new Task[total];
        // Overload would leave thousands of requests queued for the client timeout; give up on them shortly after the
        // last send so a run stays bounded (they count as errors, and their messages as not measured).
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);

        async Task SendAsync(int i)
        {
            using var request = BenchHttp.PostMessage(session.IdPrefix, i, text, o.Rooms);
            sentAt[i] = Stopwatch.GetTimestamp();
            string? error;
            try
            {
                using var response = await http.SendAsync(request, abandon.Token);
                status[i] = (int)response.StatusCode;
                error = response.StatusCode == HttpStatusCode.Accepted ? null : $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                error = e.HttpRequestError.ToString();
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                error = abandon.IsCancellationRequested ? $"no answer {AbandonAfter.TotalSeconds:0} s after the last send" : "timeout";
            }
            ackTicks[i] = Stopwatch.GetTimestamp() - sentAt[i];
            if (error is not null) errors.AddOrUpdate(error, 1, (_, c) => c + 1);
        }

        // The pacer: message i is due at start + i/rate. Each tick launches every message that is due; how late a
        // launch was (pacer lag) is reported, so a client that could not keep the schedule is visible.
        var interval = Stopwatch.Frequency / (double)o.Rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
        var lag = new long[total];
        CpuWindow? cpu = null;
        var next = 0;
        while (next < total)
        {
            while (next < total && Stopwatch.GetTimestamp() is var now && start + (long)(next * interval) <= now)
            {
                if (next == firstMeasured) cpu = new CpuWindow(session.Server);
                lag[next] = now - (start + (long)(next * interval));
                sends[next] = SendAsync(next);
                next++;
            }
            if (next < total) await Task.Delay(1, ct);
        }
        var sendWindow = Stopwatch.GetElapsedTime(sentAt[Math.Min(firstMeasured, total - 1)], sentAt[total - 1]);
        abandon.CancelAfter(AbandonAfter);
        await Task.WhenAll(sends);
        var cpuSummary = cpu?.Summary() ?? "n/a";

        var accepted = Enumerable.Range(0, total).Where(i => status[i] == 202).Select(i => (long)i).ToList();
        var drain = await group.DrainAsync(accepted.Count, TimeSpan.FromSeconds(15), ct);
        var measured = accepted.Where(i => i >= firstMeasured).ToList();
        var pairs = new List<long>(measured.Count * Math.Max(1, observers));
        var missing = 0L;
        foreach (var i in measured)
        {
            foreach (var obs in group.Observers)
            {
                var at = obs.Log.ReceivedAt(i);
                if (at == 0) missing++;
                else pairs.Add(at - sentAt[i]);
            }
        }
        var delivery = Stats.SortedMs(pairs);
        var acks = Stats.SortedMs(measured.Select(i => ackTicks[i]));
        var lags = Stats.SortedMs(lag.Skip(firstMeasured));
        var sentPerSecond = (total - firstMeasured - 1) / Math.Max(sendWindow.TotalSeconds, 1e-9);
        var errorCount = errors.Values.Sum();

        var figures = new List<Figure>
        {
            new("sent", $"{Stats.Count(sentPerSecond)} msg/s; {Stats.Count(measured.Count)} of {Stats.Count(total - firstMeasured)} accepted"),
            new("delivery p50", Stats.Ms(Stats.Percentile(delivery, 50))),
            new("delivery p99", Stats.Ms(Stats.Percentile(delivery, 99))),
            new("delivery max", Stats.Ms(Stats.Percentile(delivery, 100))),
            new("missing deliveries", $"{Stats.Count(missing)} of {Stats.Count((double)measured.Count * observers)}"),
            new("errors", errorCount == 0 ? "0" : $"{Stats.Count(errorCount)} ({string.Join(", ", errors.Select(e => $"{e.Key}: {Stats.Count(e.Value)}"))})"),
            new("202 latency p50 / p99", $"{Stats.Ms(Stats.Percentile(acks, 50))} / {Stats.Ms(Stats.Percentile(acks, 99))}"),
            new("pacer lag p99 / max", $"{Stats.Ms(Stats.Percentile(lags, 99))} / {Stats.Ms(Stats.Percentile(lags, 100))}"),
            new("cpu (measured window)", cpuSummary),
        };
        List<string> details =
        [
            $"run tag {session.RunTag}; {Stats.Count(pairs.Count)} (message, observer) pairs measured",
            $"delivery: p50 {Stats.Ms(Stats.Percentile(delivery, 50))}, p90 {Stats.Ms(Stats.Percentile(delivery, 90))}, p99 {Stats.Ms(Stats.Percentile(delivery, 99))}, p99.9 {Stats.Ms(Stats.Percentile(delivery, 99.9))}, max {Stats.Ms(Stats.Percentile(delivery, 100))}",
            $"observers: duplicates {group.Duplicates}; lag notices (caught up from the log) {group.LagNotices}; closed early {group.ClosedEarly}; drain after last 202 {Stats.Ms(drain.TotalMilliseconds)}",
            .. Overload(measured.Count, o),
            .. WorstSeconds(measured, sentAt, group, o.Rate),
            await session.StopAsync(),
        ];

        var issue = o.IssueSetup && o.Rate == 1000 && observers == 100;
        var p99 = Stats.Percentile(delivery, 99);
        return new ScenarioResult("latency", parameters, figures,
            issue ? $"p99 ≤ {TargetP99Ms:0} ms, none missing" : null,
            issue ? p99 <= TargetP99Ms && missing == 0 && errorCount == 0 : null,
            details) { ServerLog = session.Server.LogDigest() };
    }

    /// <summary>Says so when the server accepted less than was offered: the latencies are then queueing time.</summary>
    private static IEnumerable<string> Overload(int accepted, BenchOptions o)
    {
        var offered = o.Rate * o.Duration;
        if (accepted >= offered * 0.99) yield break;
        yield return $"OVERLOADED: only {Stats.Count(accepted)} of the {Stats.Count(offered)} measured messages were accepted before the run ended; "
            + "requests queued behind the server, so the latencies above are mostly queueing time";
    }

    /// <summary>p99 delivery latency of each measured second, so a single stall (GC, checkpoint) is visible.</summary>
    private static IEnumerable<string> WorstSeconds(List<long> measured, long[] sentAt, ObserverGroup group, int rate)
    {
        if (group.Observers.Count == 0) yield break;
        var perSecond = measured.GroupBy(i => i / rate).Select(g =>
        {
            var ms = Stats.SortedMs(g.SelectMany(i => group.Observers.Select(o => o.Log.ReceivedAt(i)).Where(t => t != 0).Select(t => t - sentAt[i])));
            return $"{g.Key}:{Stats.Ms(Stats.Percentile(ms, 99))}";
        });
        yield return "delivery p99 per second (second:p99): " + string.Join(", ", perSecond);
    }
}
