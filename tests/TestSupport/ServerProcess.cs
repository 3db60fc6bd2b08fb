using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Moltnet.TestSupport;

/// <summary>A real <c>moltnet start</c> process on a free loopback port, in a working directory of the test's choosing.</summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
        Client = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public string Url { get; }
    public HttpClient Client { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The moltnet executable built next to the test assembly.</summary>
    public static string MoltnetDll => Path.Combine(AppContext.BaseDirectory, "moltnet.dll");

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the server and waits until <c>/healthz</c> answers. <paramref name="openFileLimit"/> runs it under
    /// <c>prlimit --nofile=N:N</c> (a low <c>ulimit -n</c>).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? env = null, int? port = null,
        int? openFileLimit = null)
    {
        var p = port ?? FreePort();
        var psi = new ProcessStartInfo(openFileLimit is null ? CliProcess.DotnetHost : "prlimit")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (openFileLimit is { } n)
        {
            // prlimit execs the command, so the process id stays the server's.
            psi.ArgumentList.Add($"--nofile={n}:{n}");
            psi.ArgumentList.Add("--");
            psi.ArgumentList.Add(CliProcess.DotnetHost);
        }
        psi.ArgumentList.Add(MoltnetDll);
        psi.ArgumentList.Add("start");
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MOLTNET_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["MOLTNET_LISTEN_ADDR"] = $"127.0.0.1:{p}";
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start moltnet");
        var server = new ServerProcess(process, p);
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"moltnet exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var res = await Client.GetAsync("/healthz");
                if (res.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"moltnet did not become healthy:\n{Output}");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    /// <summary>Sends SIGTERM (graceful) and waits for exit.</summary>
    public async Task<int> TerminateAsync(TimeSpan? timeout = null)
    {
        if (SysKill(_process.Id, 15) != 0) throw new InvalidOperationException("kill(SIGTERM) failed");
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no chance to flush anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
