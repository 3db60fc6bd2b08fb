using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Moltnet.Bench;

/// <summary>What the figures were measured on: cores, memory, OS, and the disk the server's database lives on.</summary>
internal sealed record MachineInfo(string Cores, string Memory, string Os, string Cpu, string Runtime, string Disk, string Load)
{
    public static MachineInfo Probe()
    {
        var temp = Path.GetTempPath();
        return new MachineInfo(
            Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            MemTotal(),
            $"{OsRelease()}, kernel {Read("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription}",
            CpuModel(),
            RuntimeInformation.FrameworkDescription,
            $"{temp} on {FileSystem(temp)}, fsync p50 {FsyncP50(temp)}",
            LoadAverage());
    }

    /// <summary>1/5/15-minute load average right now (other builds on the machine show up here).</summary>
    public static string LoadAverage() => Read("/proc/loadavg") is { } l ? string.Join(' ', l.Split(' ').Take(3)) : "n/a";

    private static string MemTotal()
    {
        var line = Lines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        if (line is null) return "n/a";
        var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kb / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";
    }

    private static string OsRelease() =>
        Lines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "unknown OS";

    private static string CpuModel() =>
        Lines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "n/a";

    /// <summary>The file system type of the mount holding <paramref name="path"/> (tmpfs would make fsync free).</summary>
    private static string FileSystem(string path)
    {
        var best = ("", "unknown");
        foreach (var line in Lines("/proc/mounts"))
        {
            var f = line.Split(' ');
            if (f.Length > 2 && path.StartsWith(f[1], StringComparison.Ordinal) && f[1].Length >= best.Item1.Length) best = (f[1], f[2]);
        }
        return best.Item2;
    }

    /// <summary>Median time of 50 small write+fsync rounds in <paramref name="dir"/>: the floor under any durable commit.</summary>
    private static string FsyncP50(string dir)
    {
        var file = Path.Combine(dir, $"moltnet-bench-fsync-{Environment.ProcessId}");
        try
        {
            using var fs = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            var block = new byte[4096];
            var samples = new long[50];
            for (var i = 0; i < samples.Length; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                fs.Write(block);
                fs.Flush(flushToDisk: true);
                samples[i] = Stopwatch.GetTimestamp() - t0;
            }
            return Stats.Ms(Stats.Percentile(Stats.SortedMs(samples), 50));
        }
        catch (IOException)
        {
            return "n/a";
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? Read(string path)
    {
        try { return File.ReadAllText(path).Trim(); } catch (IOException) { return null; } catch (UnauthorizedAccessException) { return null; }
    }

    private static IEnumerable<string> Lines(string path) => Read(path)?.Split('\n') ?? [];
}
