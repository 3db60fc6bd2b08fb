using System.Diagnostics;

namespace Moltnet.Bench.Peers;

/// <summary>One step of the rate ladder on one system: what was offered and what the subscribers saw.</summary>
internal sealed record StepResult(
    int Rate, double Sent, double P50, double P99, double Max, long Missing, long Pairs, long Errors, double PacerLagP99, string Cpu)
{
    /// <summary>Held the rate: p99 within the bound, every message to every subscriber, no errors, pacer on time.</summary>
    public bool Passes(double boundMs) => Missing == 0 && Errors == 0 && P99 <= boundMs && Sent >= Rate * 0.95;

    public string Why(double boundMs) =>
        Missing > 0 ? $"{Stats.Count(Missing)} deliveries missing"
        : Errors > 0 ? $"{Stats.Count(Errors)} errors"
        : Sent < Rate * 0.95 ? $"sent only {Stats.Count(Sent)} msg/s (pacer lag p99 {Stats.Ms(PacerLagP99)})"
        : P99 > boundMs ? $"p99 {Stats.Ms(P99)} > {boundMs:0} ms"
        : "held";
}

/// <summary>Runs one open-loop step: message i is due at start + i/rate (a slow answer never delays the next send);
/// latency is from issuing the publish to a subscriber reading the message off its socket, same process, same clock.</summary>
internal static class RateStep
{
    public static async Task<StepResult> RunAsync(
        Target target, Publisher publisher, IReadOnlyList<Subscriber> subscribers, long firstSeq, int rate,
        int warmupSeconds, int seconds, CancellationToken ct)
    {
        var total = rate * (warmupSeconds + seconds);
        var firstMeasured = rate * warmupSeconds;
        foreach (var s in subscribers) s.Log = new DeliveryLog(firstSeq);
        var sentAt = new long[total];
        var ok = new bool[total];
        var lag = new long[total];
        var errors = 0L;
        var asyncErrorsBefore = publisher.AsyncErrors;
        var pending = new List<Task>();
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(ct);

        async Task CompleteAsync(int i, ValueTask<string?> send)
        {
            string? error;
            try { error = await send; }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { error = "abandoned"; }
            if (error is null) ok[i] = true;
            else Interlocked.Increment(ref errors);
        }

        var interval = Stopwatch.Frequency / (double)rate;
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 20;
        CpuWindow? cpu = null;
        var next = 0;
        while (next < total)
        {
            while (next < total && Stopwatch.GetTimestamp() is var now && start + (long)(next * interval) <= now)
            {
                if (next == firstMeasured) cpu = new CpuWindow(target.CpuTime);
                lag[next] = now - (start + (long)(next * interval));
                sentAt[next] = now;
                var send = publisher.PublishAsync(firstSeq + next, abandon.Token);
                if (send.IsCompletedSuccessfully)
                {
                    if (send.Result is null) ok[next] = true;
                    else Interlocked.Increment(ref errors);
                }
                else
                {
                    pending.Add(CompleteAsync(next, send));
                }
                next++;
            }
            if (next < total) await Task.Delay(1, ct);
        }
        var sendWindow = Stopwatch.GetElapsedTime(sentAt[firstMeasured], sentAt[total - 1]);
        abandon.CancelAfter(TimeSpan.FromSeconds(10));
        await Task.WhenAll(pending);
        var cpuText = cpu?.Summary() ?? "n/a";

        var accepted = ok.Count(a => a);
        await DrainAsync(subscribers, accepted, TimeSpan.FromSeconds(2), ct);
        errors += publisher.AsyncErrors - asyncErrorsBefore;

        var histogram = new Histogram();
        var missing = 0L;
        for (var i = firstMeasured; i < total; i++)
        {
            if (!ok[i]) continue;
            foreach (var s in subscribers)
            {
                var at = s.Log.ReceivedAt(firstSeq + i);
                if (at == 0) missing++;
                else histogram.Add(at - sentAt[i]);
            }
        }
        var lags = Stats.SortedMs(lag.Skip(firstMeasured));
        var sent = (total - firstMeasured - 1) / Math.Max(sendWindow.TotalSeconds, 1e-9);
        return new StepResult(rate, sent, histogram.Percentile(50), histogram.Percentile(99), histogram.Percentile(100),
            missing, histogram.Count, errors, Stats.Percentile(lags, 99), cpuText);
    }

    /// <summary>Waits until every subscriber holds <paramref name="expected"/> messages of the step, or none progressed for <paramref name="quiet"/>.</summary>
    public static async Task DrainAsync(IReadOnlyList<Subscriber> subscribers, long expected, TimeSpan quiet, CancellationToken ct)
    {
        var lastTotal = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        while (true)
        {
            var total = 0L;
            var done = true;
            foreach (var s in subscribers)
            {
                var c = s.Log.Count;
                total += c;
                if (c < expected && s.ClosedEarly is null) done = false;
            }
            if (done) return;
            if (total != lastTotal)
            {
                lastTotal = total;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > quiet)
            {
                return;
            }
            await Task.Delay(20, ct);
        }
    }
}
