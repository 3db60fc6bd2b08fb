using System.Diagnostics;

namespace Moltnet.AttachBench;

/// <summary>This program re-launched as <c>serve</c>; RSS read from <c>/proc/&lt;pid&gt;/status</c>.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }
    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(string store)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!, ["serve", store])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info)!;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
            if (line.StartsWith("URL ", StringComparison.Ordinal)) return new ServerProcess(process, line[4..]);
        throw new InvalidOperationException("server did not start");
    }

    /// <summary>Resident set size of the server process in bytes.</summary>
    public long Rss() => Status("VmRSS:") * 1024;

    /// <summary>Threads of the server process.</summary>
    public long Threads() => Status("Threads:");

    private long Status(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return 0;
    }

    /// <summary>Asks the server for a full blocking compacting collection, so the figures that follow count live memory,
    /// not garbage waiting for the next collection. Returns the server's managed heap size after it.</summary>
    public async Task<long> CollectAsync()
    {
        await _process.StandardInput.WriteLineAsync("gc");
        await _process.StandardInput.FlushAsync();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
            if (line.StartsWith("HEAP ", StringComparison.Ordinal))
                return long.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture);
        throw new InvalidOperationException("server exited");
    }

    /// <summary>The server's event broker counters, as one line.</summary>
    public async Task<string> StatsAsync()
    {
        await _process.StandardInput.WriteLineAsync("stats");
        await _process.StandardInput.FlushAsync();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
            if (line.StartsWith("STATS ", StringComparison.Ordinal)) return line[6..];
        throw new InvalidOperationException("server exited");
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(15))) _process.Kill(true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
