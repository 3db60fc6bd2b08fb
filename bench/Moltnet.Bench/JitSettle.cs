using System.Diagnostics;

namespace Moltnet.Bench;

/// <summary>The end of a warm-up that waits for the servers' JIT. .NET compiles a method first quickly, then again
/// optimised (twice with dynamic PGO) once it is hot; that work runs on each process's tiered-compilation thread. On
/// 2 cores, three replicas tier up on a third of the CPU each: their JIT ran for 47–66 s under load, taking a third of
/// each replica's CPU, so a fixed 20 s warm-up measured the JIT, not the cluster (bench/README.md, cluster).</summary>
internal static class JitSettle
{
    /// <summary>The runtime's tiered-compilation worker, as Linux names the thread (15 characters at most).</summary>
    public const string ThreadName = ".NET Tiered Com";

    /// <summary>Seconds in a row without JIT work that count as settled.</summary>
    private const int QuietSeconds = 3;

    /// <summary>Waits at least <paramref name="atLeast"/>, then until no server's tiered-compilation thread has run for
    /// <see cref="QuietSeconds"/> s (a worker that ends and a new one that starts count as work), at most
    /// <paramref name="atMost"/> in all. Where <c>/proc</c> has no threads to read, only <paramref name="atLeast"/>.</summary>
    /// <returns>How long the warm-up took, and whether the JIT settled within it.</returns>
    public static async Task<(TimeSpan Took, bool Settled)> WaitAsync(IReadOnlyList<ServerHost> hosts, TimeSpan atLeast, TimeSpan atMost,
        CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(atLeast, ct);
        var last = Sample(hosts);
        var quiet = 0;
        while (quiet < QuietSeconds)
        {
            if (Stopwatch.GetElapsedTime(started) >= atMost) return (Stopwatch.GetElapsedTime(started), false);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = Sample(hosts);
            var worked = now.Zip(last).Any(p => p.First.Any(t => !p.Second.TryGetValue(t.Key, out var before) || t.Value > before));
            quiet = worked ? 0 : quiet + 1;
            last = now;
        }
        return (Stopwatch.GetElapsedTime(started), true);
    }

    private static List<Dictionary<int, long>> Sample(IReadOnlyList<ServerHost> hosts) =>
        [.. hosts.Select(h => h.Pid is { } pid ? ProcFs.ThreadTicks(pid, ThreadName) : [])];
}
