using System.Diagnostics;
using System.Globalization;
using System.Text;
using Moltnet.Bench.Peers;

namespace Moltnet.Bench;

/// <summary><c>idle</c>: resident memory of each system's server process per idle subscriber, up to 10,000 of them.
/// For every system: a fresh server, 100 subscribers connected and closed (warm-up: JIT, pools), a reading, then
/// subscribers added 50 at a time up to each step (kept open) with a reading 2 s after each step. Connections come from
/// 127.0.0.1–8 so ports never run out. RSS includes whatever garbage a managed server has not collected yet; the
/// marginal figure (between the last two steps) is the one to compare.</summary>
internal static class IdleScenario
{
    /// <summary>Connecting time allowed per system, so a server that accepts slowly cannot stall the suite.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private sealed record Reading(int Connections, long Rss, double ConnectSeconds);

    private sealed record Row(Target Target, long Baseline, List<Reading> Readings, string? Failure)
    {
        public double? PerConnection => Readings.Count == 0 ? null : (Readings[^1].Rss - Baseline) / (double)Readings[^1].Connections;

        public double? Marginal => Readings.Count < 2 ? PerConnection
            : (Readings[^1].Rss - Readings[^2].Rss) / (double)(Readings[^1].Connections - Readings[^2].Connections);
    }

    public static async Task<ScenarioResult> RunAsync(BenchOptions o, CancellationToken ct)
    {
        var parameters = $"idle subscribers per system at {string.Join(", ", o.IdleSteps.Select(s => Stats.Count(s)))}; server RSS 2 s after each step";
        Console.WriteLine($"idle: {parameters}");
        var rows = new List<Row>();
        foreach (var name in o.PeerSystems)
        {
            await using var target = PeersScenario.Create(name, o);
            rows.Add(await MeasureAsync(target, o.IdleSteps, ct));
        }
        var figures = rows.Select(r => new Figure(r.Target.Name, r.Failure is not null && r.Readings.Count == 0 ? $"failed: {r.Failure}"
            : $"{Kb(r.Marginal)} per connection (marginal), {Kb(r.PerConnection)} over baseline at {Stats.Count(r.Readings[^1].Connections)}"
              + (r.Failure is null ? "" : $"; stopped: {r.Failure}"))).ToList();
        var bars = Svg.Bars($"server memory per idle connection (marginal, at {Stats.Count(o.IdleSteps[^1])})", "KiB",
            rows.Select(r => (r.Target.Name, (r.Marginal ?? 0) / 1024)).ToList());
        return new ScenarioResult("idle", parameters, figures, null, null, rows.Select(Detail).ToList())
        {
            Markdown = Table(rows),
            Charts = [new Chart("idle-memory.svg", "server memory per idle connection", bars)],
        };
    }

    private static async Task<Row> MeasureAsync(Target target, IReadOnlyList<int> steps, CancellationToken ct)
    {
        Console.WriteLine($"  {target.Name}: starting");
        await target.StartAsync(ct);
        var prefix = BenchHttp.MessageIdPrefix(BenchHttp.NewRunTag());
        var open = new List<Subscriber>();
        var readings = new List<Reading>();
        string? failure = null;
        try
        {
            foreach (var s in await ConnectAsync(target, 0, 100, prefix, long.MaxValue, ct)) await s.DisposeAsync();
            var deadline = Stopwatch.GetTimestamp() + (long)(Budget.TotalSeconds * Stopwatch.Frequency);
            await Task.Delay(2000, ct);
            var baseline = target.Rss() ?? 0;
            foreach (var step in steps)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    open.AddRange(await ConnectAsync(target, open.Count, step - open.Count, prefix, deadline, ct));
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failure = $"at {Stats.Count(open.Count)} connections: {e.GetType().Name}: {e.Message.Split('\n')[0]}";
                    Console.WriteLine($"  {target.Name}: {failure}");
                    break;
                }
                var took = Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (open.Count < step) failure = $"connecting took over {Budget.TotalSeconds:0} s in all: stopped at {Stats.Count(open.Count)}";
                await Task.Delay(2000, ct);
                var closed = open.Count(s => s.ClosedEarly is not null);
                if (closed > 0)
                {
                    failure = $"{closed} of {open.Count} connections were closed by the server";
                    break;
                }
                readings.Add(new Reading(open.Count, target.Rss() ?? 0, took));
                Console.WriteLine($"  {target.Name}: {Stats.Count(open.Count)} idle, RSS {readings[^1].Rss / 1048576.0:0.0} MiB (connected in {took:0.0} s)");
                if (failure is not null) break;
            }
            return new Row(target, baseline, readings, failure);
        }
        finally
        {
            foreach (var batch in open.Chunk(500)) await Task.WhenAll(batch.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    /// <summary>Connects <paramref name="count"/> subscribers numbered from <paramref name="first"/>, 100 at a time,
    /// fewer when the <see cref="Stopwatch"/> <paramref name="deadline"/> passes first.</summary>
    private static async Task<List<Subscriber>> ConnectAsync(Target target, int first, int count, string prefix, long deadline, CancellationToken ct)
    {
        var list = new List<Subscriber>(count);
        try
        {
            for (var i = 0; i < count && Stopwatch.GetTimestamp() < deadline; i += 50)
                list.AddRange(await Task.WhenAll(Enumerable.Range(first + i, Math.Min(50, count - i)).Select(n => OneAsync(target, n, prefix, ct))));
        }
        catch
        {
            foreach (var s in list) await s.DisposeAsync();
            throw;
        }
        return list;
    }

    /// <summary>One subscriber, tried up to three times: on a loaded machine a handshake can miss a server deadline
    /// (the attach gateway's 10 s for IDENTIFY) without the server being at fault.</summary>
    private static async Task<Subscriber> OneAsync(Target target, int index, string prefix, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await target.IdleSubscribeAsync(index, prefix, ct);
            }
            catch (Exception e) when (attempt < 3 && e is not OperationCanceledException)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    private static string Kb(double? bytes) => bytes is { } b ? $"{(b / 1024).ToString("0.0", CultureInfo.InvariantCulture)} KiB" : "n/a";

    private static string Detail(Row r) =>
        $"{r.Target.Name} ({r.Target.Version}): baseline RSS {r.Baseline / 1048576.0:0.0} MiB; "
        + string.Join("; ", r.Readings.Select(x => $"{Stats.Count(x.Connections)} → {x.Rss / 1048576.0:0.0} MiB (connected at {Stats.Count((x.Connections - (r.Readings.IndexOf(x) > 0 ? r.Readings[r.Readings.IndexOf(x) - 1].Connections : 0)) / Math.Max(x.ConnectSeconds, 1e-3))}/s)"))
        + (r.Failure is null ? "" : $"; stopped {r.Failure}");

    private static string Table(List<Row> rows)
    {
        var sb = new StringBuilder();
        var steps = rows.SelectMany(r => r.Readings.Select(x => x.Connections)).Distinct().Order().ToList();
        sb.AppendLine("### Idle memory per connection (server RSS)").AppendLine();
        sb.AppendLine($"| system | baseline | {string.Join(" | ", steps.Select(s => $"RSS at {Stats.Count(s)}"))} | per connection (marginal) | per connection (over baseline) |");
        sb.AppendLine($"|---|---|{string.Concat(steps.Select(_ => "---|"))}---|---|");
        foreach (var r in rows)
        {
            var cells = steps.Select(s => r.Readings.FirstOrDefault(x => x.Connections == s) is { } x ? $"{x.Rss / 1048576.0:0.0} MiB" : "—");
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Target.Name} | {r.Baseline / 1048576.0:0.0} MiB | {string.Join(" | ", cells)} | {Kb(r.Marginal)} | {Kb(r.PerConnection)} |");
        }
        return sb.ToString();
    }
}
