namespace Moltnet.Faults.Tests.Support;

/// <summary>Resident memory, open file descriptors and threads of a process, read from <c>/proc</c>.</summary>
public sealed record ProcessStats(long RssBytes, int OpenFiles, int Threads)
{
    public static ProcessStats Of(int pid)
    {
        long rss = 0;
        var threads = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = int.Parse(line.Split('\t', ' ').Last(s => s.Length > 0));
        }
        return new ProcessStats(rss, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length, threads);
    }

    public override string ToString() => $"rss {RssBytes / (1 << 20)} MiB, {OpenFiles} fds, {Threads} threads";
}
