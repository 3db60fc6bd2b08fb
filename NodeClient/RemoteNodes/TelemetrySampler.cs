using System.Globalization;
using Moltnet.Wire;

namespace Moltnet.NodeClient.RemoteNodes;

/// <summary>Telemetry samples (remote-nodes.md §6): memory from <c>/proc/meminfo</c> (else the GC's view of physical
/// memory), CPU count, global CPU usage from <c>/proc/stat</c> deltas, uptime, the <c>/</c> disk, and runtimes on PATH.</summary>
public sealed class TelemetrySampler
{
    private (long Busy, long Total)? _last;

    public async Task<TelemetryPayload> SampleAsync(string nodeId, CancellationToken ct)
    {
        if (_last is null && CpuTimes() is { } first)
        {
            _last = first;
            await Task.Delay(200, ct);
        }
        return new TelemetryPayload
        {
            NodeId = nodeId,
            Mem = Memory(),
            CpuCount = Environment.ProcessorCount,
            CpuUsage = CpuUsage(),
            Uptime = Uptime(),
            Services = [],
            Disk = Disk(),
            Runtimes = Runtimes(),
        };
    }

    private static MemInfo Memory()
    {
        if (File.Exists("/proc/meminfo"))
        {
            var values = File.ReadAllLines("/proc/meminfo")
                .Select(l => l.Split(':', 2))
                .Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => long.TryParse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : 0);
            return new MemInfo(values.GetValueOrDefault("MemTotal"), values.GetValueOrDefault("MemAvailable", values.GetValueOrDefault("MemFree")));
        }
        var gc = GC.GetGCMemoryInfo();
        return new MemInfo(gc.TotalAvailableMemoryBytes, Math.Max(0, gc.TotalAvailableMemoryBytes - gc.MemoryLoadBytes));
    }

    private double CpuUsage()
    {
        var now = CpuTimes();
        if (now is null || _last is null) return 0;
        var (busy, total) = (now.Value.Busy - _last.Value.Busy, now.Value.Total - _last.Value.Total);
        _last = now;
        return total <= 0 ? 0 : Math.Round(Math.Clamp(100.0 * busy / total, 0, 100), 1);
    }

    private static (long Busy, long Total)? CpuTimes()
    {
        if (!File.Exists("/proc/stat")) return null;
        var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (line is null) return null;
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(x => long.TryParse(x, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
        if (f.Length < 4) return null;
        var idle = f[3] + (f.Length > 4 ? f[4] : 0);
        var total = f.Sum();
        return (total - idle, total);
    }

    private static long Uptime()
    {
        if (File.Exists("/proc/uptime")
            && double.TryParse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture, out var s)) return (long)s;
        return Environment.TickCount64 / 1000;
    }

    private static MemInfo? Disk()
    {
        try
        {
            var root = new DriveInfo(OperatingSystem.IsWindows() ? Path.GetPathRoot(Environment.SystemDirectory)! : "/");
            return root.IsReady ? new MemInfo(root.TotalSize, root.AvailableFreeSpace) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>python3 (python only when python3 is missing), node, ruby, go, rustc, java — those found on PATH.</summary>
    public static IReadOnlyList<string> Runtimes()
    {
        var found = new List<string>();
        if (OnPath("python3")) found.Add("python3");
        else if (OnPath("python")) found.Add("python");
        found.AddRange(new[] { "node", "ruby", "go", "rustc", "java" }.Where(OnPath));
        return found;
    }

    private static bool OnPath(string binary) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, binary)));
}
