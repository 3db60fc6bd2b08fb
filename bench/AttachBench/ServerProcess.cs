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

    public static async Task<ServerProcess> StartAsync()
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!, "serve")
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
    public long Rss()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(TimeSpan.FromSeconds(15))) _process.Kill(true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
