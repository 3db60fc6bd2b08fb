using System.Globalization;
using System.Runtime.InteropServices;

namespace Moltnet.Bench;

/// <summary>CPU time and resident memory of a process, read from Linux <c>/proc</c> (null when it is gone).</summary>
internal static partial class ProcFs
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    /// <summary>Sends SIGTERM.</summary>
    public static void Terminate(int pid) => _ = SysKill(pid, 15);

    public static TimeSpan? CpuTime(int pid)
    {
        try
        {
            return TimeSpan.FromSeconds(StatTicks($"/proc/{pid}/stat") / 100.0); // USER_HZ is 100 on Linux
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>VmRSS in bytes.</summary>
    public static long? Rss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
        }
        return null;
    }

    /// <summary>CPU ticks of each of the process's threads named <paramref name="comm"/>, by thread id (empty when the
    /// process is gone).</summary>
    public static Dictionary<int, long> ThreadTicks(int pid, string comm)
    {
        var ticks = new Dictionary<int, long>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') != comm) continue;
                    ticks[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = StatTicks(Path.Combine(task, "stat"));
                }
                catch (IOException)
                {
                    // the thread ended while we read it
                }
            }
        }
        catch (IOException)
        {
        }
        return ticks;
    }

    /// <summary>User plus system CPU ticks from a <c>stat</c> file of a process or thread.</summary>
    private static long StatTicks(string path)
    {
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields after the command name start at field 3 (state); utime and stime are fields 14 and 15.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
