using System.Diagnostics;
using System.Globalization;

namespace Moltnet.Bench;

/// <summary>CPU used during a measured window by the server, by the bench itself and by the whole machine (so a build
/// running next to the bench shows up as "other").</summary>
internal sealed class CpuWindow
{
    private readonly Func<TimeSpan?> _serverCpu;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly TimeSpan? _serverStart;
    private readonly TimeSpan _benchStart;
    private readonly (long Busy, long Total)? _machineStart;

    public CpuWindow(ServerHost server)
        : this(server.CpuTime)
    {
    }

    /// <param name="serverCpu">CPU time so far of the process under test (null when unknown).</param>
    public CpuWindow(Func<TimeSpan?> serverCpu)
    {
        _serverCpu = serverCpu;
        _serverStart = serverCpu();
        _benchStart = BenchCpu();
        _machineStart = Machine();
    }

    /// <summary>Waits for the Stopwatch timestamp <paramref name="from"/>, then returns <see cref="Summary"/> over the
    /// window up to <paramref name="to"/>.</summary>
    public static async Task<string> MeasureAsync(Func<TimeSpan?> serverCpu, long from, long to, CancellationToken ct)
    {
        await Task.Delay(Stats.Until(from), ct);
        var window = new CpuWindow(serverCpu);
        await Task.Delay(Stats.Until(to), ct);
        return window.Summary();
    }

    /// <summary>"server 1.62 cores, bench 0.31 cores, other 0.02 cores" over the window so far.</summary>
    public string Summary()
    {
        var wall = Stopwatch.GetElapsedTime(_started);
        var server = _serverCpu() is { } s && _serverStart is { } s0 ? s - s0 : (TimeSpan?)null;
        var bench = BenchCpu() - _benchStart;
        var text = $"server {Stats.Cores(server, wall)}, bench {Stats.Cores(bench, wall)}";
        if (Machine() is { } m && _machineStart is { } m0 && m.Total > m0.Total)
        {
            var busyCores = (double)(m.Busy - m0.Busy) / (m.Total - m0.Total) * Environment.ProcessorCount;
            var other = busyCores - ((server ?? TimeSpan.Zero) + bench) / wall;
            text += $", other {Math.Max(0, other).ToString("0.00", CultureInfo.InvariantCulture)} cores"
                + $" (machine {busyCores.ToString("0.00", CultureInfo.InvariantCulture)} of {Environment.ProcessorCount})";
        }
        return text;
    }

    private static TimeSpan BenchCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>Busy and total jiffies from the first line of <c>/proc/stat</c>; idle and iowait count as not busy.</summary>
    private static (long Busy, long Total)? Machine()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").First();
            var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var total = v.Sum();
            return (total - v[3] - v[4], total);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
