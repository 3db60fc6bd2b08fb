using System.Diagnostics;
using System.Net;

namespace Moltnet.Bench;

/// <summary><c>cluster</c>: 1 and then 3 replicas (<c>moltnet start</c> processes) on one PostgreSQL database the bench
/// starts. Two phases per setup, each on the same replicas:
/// <list type="bullet">
/// <item>throughput: closed-loop writers spread round-robin over the replicas, at <c>--writers</c>, then 4 times as many,
/// then twice as many again up to 32 times (<see cref="NextLevel"/>); a setup's throughput is its peak.
/// <c>--observers</c> SSE observers (default 3) spread round-robin over the replicas, each of which must receive every
/// accepted message. The observers are the same in both setups, so both serve the same workload: with 3 replicas there
/// is one on each, with 1 all three are on it;</item>
/// <item>latency: messages sent open-loop at a fixed rate round-robin over the replicas; for every (message, observer on
/// a <em>different</em> replica) pair, the time from issuing the POST to reading the event (with one replica: the
/// observer on the same one, the baseline).</item>
/// </list>
/// Targets (issue 6): 3 replicas accept ≥ 1.0× what one does; cross-replica p99 ≤ one replica's p99 + 50 ms.</summary>
internal static class ClusterScenario
{
    public const double AddedP99TargetMs = 50;
    public const int DefaultRate = 250;
    public const int DefaultObservers = 3;

    private static int Observers(BenchOptions o) => Math.Max(1, o.Observers ?? DefaultObservers);

    /// <summary>Connects the observers, spread round-robin over the replicas (a replica may get none).</summary>
    private static Task<ObserverGroup[]> ObserversAsync(BenchOptions o, List<ServerHost> hosts, string prefix, CancellationToken ct) =>
        Task.WhenAll(hosts.Select((h, r) => ObserverGroup.ConnectAsync(h.Url, Observers(o) / hosts.Count + (r < Observers(o) % hosts.Count ? 1 : 0), prefix, ct)));

    /// <summary>Warm-up per phase unless <c>--warmup</c> says otherwise. The throughput phase then goes on warming up
    /// until the replicas' JIT has settled (<see cref="JitSettle"/>), at most <see cref="MaxWarmup"/>; the latency phase
    /// runs on the same, already warm, processes.</summary>
    public const int DefaultWarmup = 20;

    /// <summary>The longest the throughput phase waits for the JIT (three replicas on 2 cores took 47–66 s).</summary>
    private static readonly TimeSpan MaxWarmup = TimeSpan.FromSeconds(180);

    /// <summary>Most closed-loop writers of a level, as a multiple of <c>--writers</c>.</summary>
    private const int MaxLevelFactor = 32;

    /// <summary>The closed-loop writer count after <paramref name="done"/>, or null when the sweep is over. A closed loop
    /// measures throughput only where the setup is saturated: below that, accepted msg/s is writers ÷ latency (one replica
    /// at 64 writers uses 1.5 of 2 cores, bounded by its writer's commit round trip), so each setup is driven from
    /// <c>--writers</c> up (4×, then doubling, to <see cref="MaxLevelFactor"/>×) and compared at its peak. Every setup runs
    /// every level: a sweep that stopped at the first level below the peak so far ended early on a noisy window (three
    /// replicas fell from 6,341 to 5,891 msg/s at 512 writers in one run and stopped there; in another they dipped at 256
    /// and went on to 8,451 at 2,048).</summary>
    private static int? NextLevel(BenchOptions o, List<Level> done)
    {
        var next = done.Count == 1 ? o.Writers * 4 : done[^1].Writers * 2;
        return next <= o.Writers * MaxLevelFactor ? next : null;
    }

    private static string LevelsText(BenchOptions o) => $"{o.Writers}, {o.Writers * 4}, then doubling to {o.Writers * MaxLevelFactor}";

    /// <summary>Warm-up at each level after the first, before its window opens.</summary>
    private static readonly TimeSpan LevelWarmup = TimeSpan.FromSeconds(5);

    private sealed record Setup(int Replicas, List<Level> Levels, long Missing, int Errors, double P50, double P99, double Max, long LatencyMissing)
    {
        public Level Peak => Levels.MaxBy(l => l.PerSecond)!;
    }

    public static async Task<List<ScenarioResult>> RunAsync(BenchOptions o, CancellationToken ct)
    {
        if (o.Url is not null) throw new InvalidOperationException("the cluster scenario starts its own replicas and PostgreSQL: drop --url");
        var dll = await RepoPaths.ServerDllAsync(o, ct);
        var rate = o.RateSet ? o.Rate : DefaultRate;
        if (!o.WarmupSet) o = o with { Warmup = DefaultWarmup };
        await using var pg = await PgServer.StartAsync(ct);
        var results = new List<ScenarioResult>();
        var setups = new List<Setup>();
        foreach (var n in new[] { 1, 3 })
        {
            var (setup, result) = await RunSetupAsync(o, pg, dll, n, rate, ct);
            setups.Add(setup);
            results.Add(result);
        }
        var one = setups[0];
        var three = setups[1];
        var ratio = three.Peak.PerSecond / Math.Max(one.Peak.PerSecond, 1e-9);
        var atFirst = three.Levels[0].PerSecond / Math.Max(one.Levels[0].PerSecond, 1e-9);
        var added = three.P99 - one.P99;
        var honest = setups.All(s => s.Missing == 0 && s.LatencyMissing == 0 && s.Errors == 0);
        results.Add(new ScenarioResult("cluster: 3 vs 1 replica",
            $"postgres, {LevelsText(o)} writers / {Stats.Count(rate)} msg/s open-loop, {Observers(o)} observers",
            [
                new("throughput 3 ÷ 1 (peak vs peak)", $"{ratio:0.00}× ({Stats.Count(three.Peak.PerSecond)} at {three.Peak.Writers} writers vs {Stats.Count(one.Peak.PerSecond)} at {one.Peak.Writers})"),
                new($"at {o.Writers} writers", $"{atFirst:0.00}× ({Stats.Count(three.Levels[0].PerSecond)} vs {Stats.Count(one.Levels[0].PerSecond)} msg/s)"),
                new("added p99 (cross-replica − single)", $"{Stats.Ms(added)} ({Stats.Ms(three.P99)} vs {Stats.Ms(one.P99)})"),
            ],
            $"≥ 1.0× throughput; added p99 ≤ {AddedP99TargetMs:0} ms; every delivery",
            honest && ratio >= 1.0 && added <= AddedP99TargetMs,
            []));
        return results;
    }

    private static async Task<(Setup, ScenarioResult)> RunSetupAsync(BenchOptions o, PgServer pg, string dll, int n, int rate, CancellationToken ct)
    {
        var parameters = $"postgres, {n} replica{(n == 1 ? "" : "s")}, {LevelsText(o)} writers, then {Stats.Count(rate)} msg/s open-loop, {Observers(o)} observers over the replicas, {o.Duration} s each (+{o.Warmup} s warm-up, for throughput at least that and until the JIT settles)";
        Console.WriteLine($"cluster: {parameters}");
        var database = $"bench_{n}_{BenchHttp.NewRunTag()}";
        var dsn = await pg.CreateDatabaseAsync(database, ct);
        var hosts = new List<ServerHost>();
        (Setup, ScenarioResult) outcome;
        try
        {
            hosts.Add(await StartReplicaAsync(o, dll, dsn, 1, ct));
            hosts.AddRange(await Task.WhenAll(Enumerable.Range(2, n - 1).Select(i => StartReplicaAsync(o, dll, dsn, i, ct))));
            using (var admin = BenchHttp.Client(hosts[0].Url, 2, TimeSpan.FromSeconds(30))) await BenchHttp.EnsureRoomsAsync(admin, 1, ct);

            var (levels, missing, errors, warmup, lagNotices) = await ThroughputAsync(o, hosts, ct);
            await pg.CheckpointAsync(ct);
            var (p50, p99, max, latencyMissing, latencyErrors, pairs, answers) = await LatencyAsync(o, hosts, rate, ct);
            var setup = new Setup(n, levels, missing, errors + latencyErrors, p50, p99, max, latencyMissing);
            var figures = new List<Figure>
            {
                new("accepted (peak)", $"{Stats.Count(setup.Peak.PerSecond)} msg/s at {setup.Peak.Writers} writers"),
                new("accepted by writers", string.Join(" · ", levels.Select(l => $"{l.Writers}: {Stats.Count(l.PerSecond)}")) + " msg/s"),
                new("deliveries", missing == 0 ? "all, on every replica" : $"{Stats.Count(missing)} MISSING"),
                new("errors", (errors + latencyErrors).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new(n == 1 ? "delivery p50 / p99 / max (same replica)" : "delivery p50 / p99 / max (cross-replica)",
                    $"{Stats.Ms(p50)} / {Stats.Ms(p99)} / {Stats.Ms(max)}"),
                new("202 latency p50 / p99 (latency phase)", answers),
                new("missing deliveries (latency)", Stats.Count(latencyMissing)),
                new("cpu (peak window)", setup.Peak.Cpu),
                new("throughput warm-up", warmup),
            };
            List<string> details =
            [
                $"{Stats.Count(pairs)} (message, observer) pairs measured for latency",
                $"observer lag notices in the throughput phase (a stream fell behind and caught up from the log): {lagNotices}",
            ];
            foreach (var h in hosts) details.Add($"{h.Url}: stopped, exit code {await h.StopAsync()}");
            outcome = (setup, new ScenarioResult($"cluster ({n} replica{(n == 1 ? "" : "s")})", parameters, figures, null, null, details)
            {
                Throughput = setup.Peak.PerSecond,
                ServerLog = string.Join("\n---\n", hosts.Select(h => h.LogDigest())),
            });
        }
        finally
        {
            foreach (var h in hosts) await h.DisposeAsync();
        }
        // The next setup starts on a database server with nothing left to do: no other database, every page written.
        await pg.DropDatabaseAsync(database, ct);
        await pg.CheckpointAsync(ct);
        return outcome;
    }

    private static Task<ServerHost> StartReplicaAsync(BenchOptions o, string dll, string dsn, int i, CancellationToken ct) =>
        ServerHost.StartAsync(dll, "postgres", o.ServerLogLevel, ct, new Dictionary<string, string>
        {
            ["MOLTNET_POSTGRES_DSN"] = dsn,
            ["MOLTNET_REPLICA_ID"] = $"bench-r{i}",
        });

    /// <summary>One closed-loop level of the throughput phase: accepted msg/s in its window and the CPU over it.</summary>
    private sealed record Level(int Writers, double PerSecond, string Cpu);

    /// <summary>The throughput phase: each level of <see cref="NextLevel"/> in turn on the same replicas and observers (the first
    /// after the JIT warm-up, the others after <see cref="LevelWarmup"/> at their own level), then every observer must
    /// have received every accepted message.</summary>
    private static async Task<(List<Level> Levels, long Missing, int Errors, string Warmup, int LagNotices)> ThroughputAsync(BenchOptions o, List<ServerHost> hosts, CancellationToken ct)
    {
        var prefix = BenchHttp.MessageIdPrefix(BenchHttp.NewRunTag());
        var groups = await ObserversAsync(o, hosts, prefix, ct);
        var clients = hosts.Select(h => BenchHttp.Client(h.Url, o.Writers * MaxLevelFactor, TimeSpan.FromSeconds(30))).ToList();
        try
        {
            var loop = new ClosedLoop(clients, prefix, BenchHttp.Payload(o.Payload), ct);
            var all = new List<long>();
            var results = new List<Level>();
            var warmup = "";
            for (int? level = o.Writers; level is { } writerCount; level = NextLevel(o, results))
            {
                var writers = loop.Start(writerCount);
                if (results.Count == 0)
                {
                    var (took, settled) = await JitSettle.WaitAsync(hosts, TimeSpan.FromSeconds(o.Warmup), MaxWarmup, ct);
                    warmup = $"{took.TotalSeconds:0} s{(settled ? ", until the JIT settled" : $", JIT still compiling at the {MaxWarmup.TotalSeconds:0} s cap")}";
                    Console.WriteLine($"  throughput: warmed up for {took.TotalSeconds:0} s{(settled ? "" : " (the JIT had not settled)")}");
                }
                else await Task.Delay(LevelWarmup, ct);
                var (from, to) = loop.Open(o.Duration);
                var cpu = CpuAsync(hosts, from, to, ct);
                Console.WriteLine($"  throughput: {writerCount} writers, measuring {o.Duration} s");
                var perWriter = await writers;
                results.Add(new Level(writerCount, perWriter.Sum(w => w.InWindow) / (double)o.Duration, await cpu));
                foreach (var w in perWriter) all.AddRange(w.Accepted);
            }
            foreach (var g in groups) await g.DrainAsync(all.Count, TimeSpan.FromSeconds(15), ct);
            var missing = groups.Sum(g => g.MissingDeliveries(all));
            return (results, missing, loop.Errors, warmup, groups.Sum(g => g.LagNotices));
        }
        finally
        {
            foreach (var g in groups) await g.DisposeAsync();
            foreach (var c in clients) c.Dispose();
        }
    }

    /// <summary>The closed-loop writers of the throughput phase: each posts the next message as soon as its last one is
    /// answered, until the level's window closes. Message numbers and errors run on across levels.</summary>
    private sealed class ClosedLoop(List<HttpClient> clients, string prefix, string text, CancellationToken ct)
    {
        private long _seq = -1;
        private int _errors;
        private long _from;
        private long _to;

        public int Errors => Volatile.Read(ref _errors);

        /// <summary>Starts a level of <paramref name="writerCount"/> writers (the previous level's have ended). They run
        /// until <see cref="Open"/> has opened their window and it has closed.</summary>
        public Task<(List<long> Accepted, long InWindow)[]> Start(int writerCount)
        {
            Volatile.Write(ref _to, long.MaxValue);
            Volatile.Write(ref _from, long.MaxValue);
            return Task.WhenAll(Enumerable.Range(0, writerCount).Select(w => Task.Run(() => WriteAsync(clients[w % clients.Count]), ct)));
        }

        /// <summary>Opens the measured window now, for <paramref name="seconds"/>; the writers read its bounds as they go.</summary>
        public (long From, long To) Open(int seconds)
        {
            var from = Stopwatch.GetTimestamp();
            var to = from + seconds * Stopwatch.Frequency;
            Volatile.Write(ref _to, to);
            Volatile.Write(ref _from, from);
            return (from, to);
        }

        private async Task<(List<long> Accepted, long InWindow)> WriteAsync(HttpClient http)
        {
            var accepted = new List<long>();
            var inWindow = 0L;
            while (Stopwatch.GetTimestamp() is var t0 && t0 < Volatile.Read(ref _to))
            {
                var s = Interlocked.Increment(ref _seq);
                using var request = BenchHttp.PostMessage(prefix, s, text, 1);
                try
                {
                    using var response = await http.SendAsync(request, ct);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted.Add(s);
                        if (t0 >= Volatile.Read(ref _from)) inWindow++;
                        continue;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                }
                Interlocked.Increment(ref _errors);
                await Task.Delay(10, ct);
            }
            return (accepted, inWindow);
        }
    }

    private static async Task<(double P50, double P99, double Max, long Missing, int Errors, long Pairs, string Answers)> LatencyAsync(BenchOptions o, List<ServerHost> hosts,
        int rate, CancellationToken ct)
    {
        var prefix = BenchHttp.MessageIdPrefix(BenchHttp.NewRunTag());
        var groups = await ObserversAsync(o, hosts, prefix, ct);
        var clients = hosts.Select(h => BenchHttp.Client(h.Url, o.Connections, TimeSpan.FromSeconds(30))).ToList();
        try
        {
            var text = BenchHttp.Payload(o.Payload);
            var total = rate * (o.Warmup + o.Duration);
            var firstMeasured = rate * o.Warmup;
            var sentAt = new long[total];
            var answeredAt = new long[total];
            var ok = new bool[total];
            var sends = new Task[total];
            var errors = 0;
            async Task SendAsync(int i)
            {
                using var request = BenchHttp.PostMessage(prefix, i, text, 1);
                sentAt[i] = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await clients[i % clients.Count].SendAsync(request, ct);
                    ok[i] = response.StatusCode == HttpStatusCode.Accepted;
                    answeredAt[i] = Stopwatch.GetTimestamp();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                }
                if (!ok[i]) Interlocked.Increment(ref errors);
            }
            var interval = Stopwatch.Frequency / (double)rate;
            var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
            var next = 0;
            while (next < total)
            {
                while (next < total && start + (long)(next * interval) <= Stopwatch.GetTimestamp()) sends[next] = SendAsync(next++);
                if (next < total) await Task.Delay(1, ct);
            }
            await Task.WhenAll(sends);
            var accepted = Enumerable.Range(0, total).Where(i => ok[i]).ToList();
            foreach (var g in groups) await g.DrainAsync(accepted.Count, TimeSpan.FromSeconds(15), ct);
            var pairs = new List<long>();
            var missing = 0L;
            foreach (var i in accepted.Where(i => i >= firstMeasured))
            {
                var sender = i % hosts.Count;
                for (var r = 0; r < hosts.Count; r++)
                {
                    if (hosts.Count > 1 && r == sender) continue; // cross-replica pairs only
                    foreach (var observer in groups[r].Observers)
                    {
                        var at = observer.Log.ReceivedAt(i);
                        if (at == 0) missing++;
                        else pairs.Add(at - sentAt[i]);
                    }
                }
            }
            var sorted = Stats.SortedMs(pairs);
            var answers = Stats.SortedMs([.. accepted.Where(i => i >= firstMeasured).Select(i => answeredAt[i] - sentAt[i])]);
            return (Stats.Percentile(sorted, 50), Stats.Percentile(sorted, 99), Stats.Percentile(sorted, 100), missing, errors, pairs.Count,
                $"{Stats.Ms(Stats.Percentile(answers, 50))} / {Stats.Ms(Stats.Percentile(answers, 99))}");
        }
        finally
        {
            foreach (var g in groups) await g.DisposeAsync();
            foreach (var c in clients) c.Dispose();
        }
    }

    private static async Task<string> CpuAsync(List<ServerHost> hosts, long from, long to, CancellationToken ct)
    {
        await Task.Delay(Stats.Until(from), ct);
        var windows = hosts.Select(h => new CpuWindow(h)).ToList();
        await Task.Delay(Stats.Until(to), ct);
        return string.Join("; ", windows.Select((w, i) => $"r{i + 1}: {w.Summary()}"));
    }
}
