using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Moltnet.Bench;

/// <summary>The server under test: a <c>moltnet start</c> child process in a fresh temp directory (stopped with SIGTERM),
/// or an already running server given by URL (left alone).</summary>
internal sealed partial class ServerHost : IAsyncDisposable
{
    /// <summary>Raises only the connection caps (defaults 128 streams total / 16 per client IP, 120 attachments per
    /// caller per minute) so the idle scenario's 10,000 streams or attachments from loopback fit.</summary>
    private const string ConfigFile = """
        version: moltnet.v1
        limits:
          max_streams: 20000
          max_streams_per_identity: 20000
          attach_per_minute: 0
          register_per_minute: 0

        """;

    private readonly Process? _process;
    private readonly string? _directory;

    private ServerHost(string url, Process? process, string? directory)
    {
        Url = url;
        _process = process;
        _directory = directory;
    }

    public string Url { get; }

    /// <summary>The server's process id, when we started it.</summary>
    public int? Pid => _process?.Id;

    /// <summary>Where the server's stdout/stderr go (null for an external server).</summary>
    public string? LogPath => _directory is null ? null : Path.Combine(_directory, "server.log");

    public static async Task<ServerHost> AttachAsync(string url, CancellationToken ct)
    {
        var host = new ServerHost(url, null, null);
        await host.WaitHealthyAsync(TimeSpan.FromSeconds(10), ct);
        return host;
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> start</c> on a free loopback port and waits for <c>/healthz</c>.</summary>
    public static async Task<ServerHost> StartAsync(string dll, string storage, string? logLevel, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("moltnet-bench-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "Moltnet"), ConfigFile, ct);
        var port = FreePort();
        // exec through sh so the server writes its log straight to a file: the bench spends no CPU draining it,
        // and the pid we hold is the server itself (SIGTERM reaches it, /proc/<pid>/stat is its CPU time).
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = dir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$1\" start >server.log 2>&1 </dev/null");
        psi.ArgumentList.Add(DotnetHost());
        psi.ArgumentList.Add(dll);
        // Only what the bench sets reaches the server: no MOLTNET_* or logging overrides from the caller's shell.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MOLTNET_", StringComparison.Ordinal)
                     || k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        if (logLevel is not null) psi.Environment["Logging__LogLevel__Default"] = logLevel;
        psi.Environment["MOLTNET_LISTEN_ADDR"] = $"127.0.0.1:{port}";
        psi.Environment["MOLTNET_STORAGE_KIND"] = storage;
        if (storage == "sqlite") psi.Environment["MOLTNET_SQLITE_PATH"] = Path.Combine(dir, "moltnet.db");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the server");
        var host = new ServerHost($"http://127.0.0.1:{port}", process, dir);
        try
        {
            await host.WaitHealthyAsync(TimeSpan.FromSeconds(60), ct);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    /// <summary>User + system CPU time of the server process so far, when we started it (Linux <c>/proc</c>).</summary>
    public TimeSpan? CpuTime() => _process is null || _process.HasExited ? null : ProcFs.CpuTime(_process.Id);

    /// <summary>Resident set size of the server process in bytes, when we started it.</summary>
    public long? Rss() => _process is null || _process.HasExited ? null : ProcFs.Rss(_process.Id);

    /// <summary>For the raw report: line count, the warnings and errors (first 30), and the last 10 lines of the log.</summary>
    public string LogDigest()
    {
        if (LogPath is null || !File.Exists(LogPath)) return "(no server log: external server)";
        var lines = 0;
        var problems = new List<string>();
        var tail = new Queue<string>();
        foreach (var line in File.ReadLines(LogPath))
        {
            lines++;
            if (problems.Count < 30 && (line.Contains(" warn: ", StringComparison.Ordinal) || line.Contains(" fail: ", StringComparison.Ordinal)
                || line.Contains(" crit: ", StringComparison.Ordinal))) problems.Add(line);
            tail.Enqueue(line);
            if (tail.Count > 10) tail.Dequeue();
        }
        return $"{lines} lines; warnings/errors ({problems.Count}{(problems.Count == 30 ? "+" : "")}):\n"
            + string.Join('\n', problems) + "\n... last lines:\n" + string.Join('\n', tail);
    }

    private string LogTail(int lines) =>
        LogPath is not null && File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(lines)) : "";

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process is { HasExited: true })
                throw new InvalidOperationException($"server exited with {_process.ExitCode}:\n{LogTail(30)}");
            try
            {
                using var res = await http.GetAsync(new Uri("/healthz", UriKind.Relative), ct);
                if (res.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"server at {Url} did not answer /healthz:\n{LogTail(30)}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    /// <summary>SIGTERM, then up to 30 s for a graceful exit; SIGKILL after that. Returns the exit code.</summary>
    public async Task<int?> StopAsync()
    {
        if (_process is null || _process.HasExited) return _process?.ExitCode;
        _ = SysKill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await StopAsync();
            _process.Dispose();
        }
        if (_directory is not null)
        {
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
        : "dotnet";
}
