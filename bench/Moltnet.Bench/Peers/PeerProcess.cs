using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Moltnet.Bench.Peers;

/// <summary>A peer server (ngircd, nats-server, redis-server, the SSE hub) run by the bench in a temp directory with a
/// config the bench wrote, on a free loopback port; stopped with SIGTERM (SIGKILL after 10 s).</summary>
internal sealed class PeerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PeerProcess(Process process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }
    public int Port { get; }
    public int Pid => _process.Id;
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);
    public string LogPath => System.IO.Path.Combine(Directory, "server.log");

    /// <summary>Finds <paramref name="name"/> in PATH or /usr/sbin, or throws with the install hint.</summary>
    public static string Find(string name)
    {
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/usr/bin", "/sbin"]);
        return dirs.Select(d => System.IO.Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{name} is not installed (bench/run.sh installs it: apt-get install -y ngircd nats-server redis-server)");
    }

    /// <summary>Writes the files <paramref name="files"/> (name → text, with <c>{PORT}</c> and <c>{DIR}</c> filled in),
    /// runs <paramref name="exe"/> with <paramref name="args"/> (same placeholders) and waits until the port accepts.</summary>
    public static async Task<PeerProcess> StartAsync(string exe, IEnumerable<string> args, IReadOnlyDictionary<string, string> files, CancellationToken ct)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("moltnet-peer-").FullName;
        var port = FreePort();
        string Fill(string s) => s.Replace("{PORT}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{DIR}", dir, StringComparison.Ordinal);
        foreach (var (name, text) in files) await File.WriteAllTextAsync(System.IO.Path.Combine(dir, name), Fill(text), ct);
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = dir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$@\" >server.log 2>&1 </dev/null");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(exe);
        foreach (var a in args) psi.ArgumentList.Add(Fill(a));
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        var peer = new PeerProcess(process, dir, port);
        try
        {
            await peer.WaitListeningAsync(ct);
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
        return peer;
    }

    private async Task WaitListeningAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{System.IO.Path.GetFileName(_process.StartInfo.ArgumentList[3])} exited with {_process.ExitCode}:\n{Tail()}");
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(EndPoint, ct);
                return;
            }
            catch (SocketException)
            {
            }
            await Task.Delay(50, ct);
        }
        throw new TimeoutException($"peer did not listen on {EndPoint}:\n{Tail()}");
    }

    public string Tail() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(20)) : "";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ProcFs.Terminate(_process.Id);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>First line of <c><paramref name="exe"/> <paramref name="arg"/></c> (its version), or "".</summary>
    public static async Task<string> VersionAsync(string exe, string arg, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(exe, arg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync(ct) + await p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
    }
}
