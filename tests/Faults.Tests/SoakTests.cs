using System.Diagnostics;
using Moltnet.Faults.Tests.Support;
using Moltnet.TestSupport;

namespace Moltnet.Faults.Tests;

/// <summary>Case 13: a soak (60 s in CI, <c>MOLTNET_FAULTS_SOAK_SECONDS</c> or 10 min in long mode) at about 30% of the
/// write capacity measured on this machine, plus 200 new connections per second (short SSE streams). Memory, open
/// descriptors and threads stay flat; pauses (the worst <c>/healthz</c> latency per 2 s window, which a long GC pause would
/// show; compared by the median window of the early and the late quarter) stay flat too.</summary>
public sealed class SoakTests : IDisposable
{
    private const int ConnectsPerSecond = 200;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Memory_handles_and_pauses_stay_flat_under_steady_load_and_connection_churn()
    {
        _dir.Write("Moltnet", "limits:\n  max_streams: 5000\n  max_streams_per_identity: 5000\n");
        await using var server = await ServerProcess.StartAsync(_dir.Path, MeasuredMemory.ServerEnvironment);
        await server.Client.CreateRoomAsync("r", "a");

        // Capacity: what 16 writers get through in 3 s.
        var probeCount = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(3))
                if ((await server.Client.PostAsync("/v1/messages", Api.RoomMessage($"cap-{w}-{Guid.NewGuid():N}"))).Status == 202) Interlocked.Increment(ref probeCount);
        })));
        var rate = Math.Max(10, (int)(probeCount / 3.0 * 0.3));

        using var stop = new CancellationTokenSource(FaultMode.SoakDuration);
        var load = new PacedLoad(server.Client, rate, i => ($"soak-{i}", Api.RoomMessage($"soak-{i}")));
        var writing = load.RunAsync(stop.Token);
        var churn = ChurnAsync(server.Url, stop.Token);
        var samples = new List<(TimeSpan At, ProcessStats Stats, double WorstProbeMs)>();
        clock.Restart();
        while (!stop.IsCancellationRequested)
        {
            var worst = 0.0;
            var window = Stopwatch.StartNew();
            while (window.Elapsed < TimeSpan.FromSeconds(2) && !stop.IsCancellationRequested)
            {
                var t = Stopwatch.StartNew();
                Assert.Equal(200, (await server.Client.GetAnswerAsync("/healthz")).Status);
                worst = Math.Max(worst, t.Elapsed.TotalMilliseconds);
                await Task.Delay(50);
            }
            samples.Add((clock.Elapsed, ProcessStats.Of(server.Pid), worst));
        }
        await writing;
        var connects = await churn;
        Assert.False(server.HasExited, server.Output);
        Assert.Empty(load.Refused);

        // Compare the second quarter (after warm-up) with the last quarter.
        var q = samples.Count / 4;
        var early = samples.Skip(q).Take(q).ToList();
        var late = samples.Skip(samples.Count - q).ToList();
        var rssEarly = early.Max(s => s.Stats.RssBytes);
        var rssLate = late.Max(s => s.Stats.RssBytes);
        Console.WriteLine($"soak: {FaultMode.SoakDuration.TotalSeconds:F0} s at {rate} msg/s (capacity ~{probeCount / 3} msg/s), {load.Acked.Count} acked, "
            + $"{connects} connects; early {early[^1].Stats}, worst probe {early.Max(s => s.WorstProbeMs):F0} ms; late {late[^1].Stats}, worst probe {late.Max(s => s.WorstProbeMs):F0} ms");
        Assert.True(rssLate < rssEarly * 1.5 + (32L << 20), $"memory grew: {rssEarly >> 20} -> {rssLate >> 20} MiB");
        // Flat, not equal: up to a second of churn may still be closing (a leak would grow by the thousands over the soak).
        Assert.True(late.Max(s => s.Stats.OpenFiles) < early.Max(s => s.Stats.OpenFiles) + 64 + ConnectsPerSecond,
            $"open descriptors grew: {early.Max(s => s.Stats.OpenFiles)} -> {late.Max(s => s.Stats.OpenFiles)}");
        Assert.True(late.Max(s => s.Stats.Threads) < early.Max(s => s.Stats.Threads) + 32, "threads grew");
        // Pauses that grow (a heap that grows, longer GCs) raise the worst probe of most windows; the median window of a
        // quarter ignores a single stall of the machine, which other test assemblies share.
        var pauseEarly = Median(early.Select(s => s.WorstProbeMs));
        var pauseLate = Median(late.Select(s => s.WorstProbeMs));
        Assert.True(pauseLate < Math.Max(4 * pauseEarly, 500), $"pauses grew: worst probe of the median window {pauseEarly:F0} -> {pauseLate:F0} ms");
        Assert.True(connects >= ConnectsPerSecond * FaultMode.SoakDuration.TotalSeconds * 0.5, $"only {connects} connects");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>Opens a short SSE stream (new TCP connection) 200 times per second until stopped; returns how many opened.</summary>
    private static async Task<int> ChurnAsync(string url, CancellationToken ct)
    {
        var opened = 0;
        var clock = Stopwatch.StartNew();
        var running = new List<Task>();
        for (long i = 0; !ct.IsCancellationRequested; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / ConnectsPerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(due, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            running.Add(Task.Run(async () =>
            {
                using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
                await using var s = await SseClient.ConnectAsync(http);
                Assert.Equal(200, s.Status);
                await s.NextFrameAsync(); // : stream-open
                Interlocked.Increment(ref opened);
            }, CancellationToken.None));
            running.RemoveAll(t => t.IsCompletedSuccessfully);
        }
        await Task.WhenAll(running);
        return opened;
    }
}
