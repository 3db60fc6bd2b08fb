using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Moltnet.Bench;

/// <summary><c>storm</c>: a reconnect storm. K SSE observers (default 1,000) follow room traffic at R msg/s (default
/// 500); after a few seconds every observer drops its connection at once and reconnects straight away with
/// <c>Last-Event-ID</c> set to the last event it saw (retrying every 100 ms on a refusal, as EventSource would), while
/// messages keep flowing. Afterwards every observer must hold every accepted message exactly once.</summary>
internal static class StormScenario
{
    private const int BeforeSeconds = 4;
    private const int AfterSeconds = 6;

    public static async Task<ScenarioResult> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var count = o.Observers ?? 1000;
        var rate = o.StormRate;
        var parameters = $"{o.ServerKind}, {Stats.Count(count)} SSE observers from 127.0.0.1–{LoopbackSources.Count}, {Stats.Count(rate)} msg/s open-loop, "
            + $"all drop and resume with Last-Event-ID at {BeforeSeconds} s, {AfterSeconds} s more traffic{o.ServerText}";
        Console.WriteLine($"storm: {parameters}");
        await using var session = await BenchSession.OpenAsync(o, ct);
        var clients = LoopbackSources.Clients(session.Server.Url, 100_000, Timeout.InfiniteTimeSpan);
        var observers = new SseObserver[count];
        try
        {
            for (var i = 0; i < count; i += 50)
            {
                var batch = await Task.WhenAll(Enumerable.Range(i, Math.Min(50, count - i))
                    .Select(n => SseObserver.ConnectAsync(clients[n % clients.Length], session.IdPrefix, ct)));
                batch.CopyTo(observers, i);
            }
            using var http = BenchHttp.Client(session.Server.Url, 64, TimeSpan.FromSeconds(30));
            var text = BenchHttp.Payload(o.Payload);
            var total = rate * (BeforeSeconds + AfterSeconds);
            var sentAt = new long[total];
            var ok = new bool[total];
            var errors = new ConcurrentDictionary<string, int>();
            var sends = new List<Task>(total);
            async Task SendAsync(int i)
            {
                using var request = BenchHttp.PostMessage(session.IdPrefix, i, text, 1);
                try
                {
                    using var response = await http.SendAsync(request, ct);
                    if (response.StatusCode == HttpStatusCode.Accepted) ok[i] = true;
                    else errors.AddOrUpdate($"HTTP {(int)response.StatusCode}", 1, (_, c) => c + 1);
                }
                catch (HttpRequestException e)
                {
                    errors.AddOrUpdate(e.HttpRequestError.ToString(), 1, (_, c) => c + 1);
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    errors.AddOrUpdate("timeout (30 s)", 1, (_, c) => c + 1);
                }
            }

            var interval = Stopwatch.Frequency / (double)rate;
            var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
            var stormAt = start + BeforeSeconds * Stopwatch.Frequency;
            Task<Storm>? storm = null;
            CpuWindow? cpu = null;
            var next = 0;
            while (next < total)
            {
                while (next < total && Stopwatch.GetTimestamp() is var now && start + (long)(next * interval) <= now)
                {
                    sentAt[next] = now;
                    sends.Add(SendAsync(next));
                    next++;
                }
                if (storm is null && Stopwatch.GetTimestamp() >= stormAt)
                {
                    cpu = new CpuWindow(session.Server);
                    storm = Task.Run(() => ResumeAllAsync(observers, clients, session.IdPrefix, ct), ct);
                }
                if (next < total) await Task.Delay(1, ct);
            }
            await Task.WhenAll(sends);
            var s = await storm!;
            var cpuText = cpu!.Summary();
            var accepted = ok.Count(a => a);
            var drain = await DrainAsync(observers, accepted, ct);

            var stormSeq = (int)(BeforeSeconds * rate);
            var before = new Histogram();
            var during = new Histogram();
            var after = new Histogram();
            var missing = 0L;
            for (var i = rate; i < total; i++) // the first second is warm-up
            {
                if (!ok[i]) continue;
                var h = i < stormSeq ? before : i < stormSeq + rate ? during : after;
                foreach (var obs in observers)
                {
                    var at = obs.Log.ReceivedAt(i);
                    if (at == 0) missing++;
                    else h.Add(at - sentAt[i]);
                }
            }
            var duplicates = observers.Sum(x => x.Log.Duplicates);
            var gaps = observers.Sum(x => x.ReplayGaps);
            var closed = observers.Count(x => x.ClosedEarly is not null);
            var errorCount = errors.Values.Sum();
            var figures = new List<Figure>
            {
                new("reconnected", $"{Stats.Count(s.Resumed)} of {Stats.Count(count)}; {Stats.Count(s.Retries)} retries ({string.Join(", ", s.Refusals.Select(e => $"{e.Key}: {e.Value}"))})"),
                new("reconnect p50 / p99 / max", $"{Stats.Ms(s.Latency(50))} / {Stats.Ms(s.Latency(99))} / {Stats.Ms(s.Latency(100))}"),
                new("all observers resumed after", Stats.Ms(s.AllResumedMs)),
                new("delivery p99 before / storm second / after", $"{Stats.Ms(before.Percentile(99))} / {Stats.Ms(during.Percentile(99))} / {Stats.Ms(after.Percentile(99))}"),
                new("delivery max in the storm second", Stats.Ms(during.Percentile(100))),
                new("missing deliveries", $"{Stats.Count(missing)} of {Stats.Count(before.Count + during.Count + after.Count + missing)}"),
                new("duplicates / replay gaps", $"{Stats.Count(duplicates)} / {Stats.Count(gaps)}"),
                new("errors (posts)", errorCount == 0 ? "0" : string.Join(", ", errors.Select(e => $"{e.Key}: {e.Value}"))),
                new("cpu (storm to end)", cpuText),
            };
            List<string> details =
            [
                $"run tag {session.RunTag}; {Stats.Count(accepted)} of {Stats.Count(total)} messages accepted; drain after last 202 {Stats.Ms(drain)}",
                $"observers closed early at the end: {closed}; lag notices: {observers.Sum(x => x.LagNotices)}",
                $"delivery p50 before / storm second / after: {Stats.Ms(before.Percentile(50))} / {Stats.Ms(during.Percentile(50))} / {Stats.Ms(after.Percentile(50))}",
                await session.StopAsync(),
            ];
            var met = s.Resumed == count && missing == 0 && duplicates == 0 && errorCount == 0;
            return new ScenarioResult("storm", parameters, figures, "every observer resumes; none missing, none duplicated", met, details)
            {
                ServerLog = session.Server.LogDigest(),
            };
        }
        finally
        {
            foreach (var obs in observers) if (obs is not null) await obs.DisposeAsync();
            foreach (var c in clients) c.Dispose();
        }
    }

    private sealed class Storm
    {
        public ConcurrentBag<double> ReconnectMs { get; } = [];
        public ConcurrentDictionary<string, int> Refusals { get; } = new();
        public int Retries;
        public int Resumed => ReconnectMs.Count;
        public double AllResumedMs { get; set; }
        private double[]? _sorted;

        public double Latency(double p)
        {
            if (_sorted is null)
            {
                _sorted = ReconnectMs.ToArray();
                Array.Sort(_sorted);
            }
            return Stats.Percentile(_sorted, p);
        }
    }

    /// <summary>Drops every observer at once and resumes each from its last event id; replaces them in place.</summary>
    private static async Task<Storm> ResumeAllAsync(SseObserver[] observers, HttpClient[] clients, string prefix, CancellationToken ct)
    {
        var storm = new Storm();
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(observers.Select(async (old, i) =>
        {
            var t0 = Stopwatch.GetTimestamp();
            await old.DisposeAsync();
            var lastId = old.LastEventId;
            for (var attempt = 0; attempt < 100; attempt++)
            {
                try
                {
                    observers[i] = await SseObserver.ConnectAsync(clients[i % clients.Length], prefix, ct, lastId, old.Log);
                    storm.ReconnectMs.Add(Stats.TicksToMs(Stopwatch.GetTimestamp() - t0));
                    return;
                }
                catch (Exception e) when (e is InvalidOperationException or HttpRequestException)
                {
                    Interlocked.Increment(ref storm.Retries);
                    storm.Refusals.AddOrUpdate(e.Message.Split(' ').Take(4).Aggregate((a, b) => $"{a} {b}"), 1, (_, c) => c + 1);
                    await Task.Delay(100, ct);
                }
            }
        }));
        storm.AllResumedMs = Stats.TicksToMs(Stopwatch.GetTimestamp() - started);
        return storm;
    }

    private static async Task<double> DrainAsync(SseObserver[] observers, long expected, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var last = -1L;
        var progress = started;
        while (true)
        {
            var total = observers.Sum(o => o.Log.Count);
            if (observers.All(o => o.Log.Count >= expected || o.ClosedEarly is not null)) break;
            if (total != last)
            {
                last = total;
                progress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(progress) > TimeSpan.FromSeconds(10))
            {
                break;
            }
            await Task.Delay(20, ct);
        }
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
