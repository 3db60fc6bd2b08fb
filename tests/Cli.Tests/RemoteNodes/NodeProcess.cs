using System.Diagnostics;
using System.Text;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.RemoteNodes;

/// <summary>A real <c>moltnet node add --foreground</c> process with its own HOME (so <c>~/.moltnet</c> is private to the
/// test). The device token is passed in <c>MOLTNET_DEVICE_TOKEN</c>, never in the arguments.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeProcess(Process process, TempDirectory home)
    {
        _process = process;
        Home = home;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public TempDirectory Home { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts the node; <paramref name="policy"/> (JSON) is written to <c>~/.moltnet/node-policy.json</c> first.</summary>
    public static NodeProcess Start(string gatewayUrl, string token, string name, string? nodeId = null, string? policy = null,
        string? workingDir = null)
    {
        var home = new TempDirectory();
        if (policy is not null) home.Write(".moltnet/node-policy.json", policy);
        var psi = new ProcessStartInfo(CliProcess.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = home.Path,
        };
        psi.ArgumentList.Add(Moltnet.Dll);
        foreach (var a in (string[])["node", "add", "--foreground", "--host", gatewayUrl, "--name", name]) psi.ArgumentList.Add(a);
        if (nodeId is not null) { psi.ArgumentList.Add("--node-id"); psi.ArgumentList.Add(nodeId); }
        if (workingDir is not null) { psi.ArgumentList.Add("--working-dir"); psi.ArgumentList.Add(workingDir); }
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MOLTNET_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        psi.Environment["HOME"] = home.Path;
        psi.Environment["MOLTNET_DEVICE_TOKEN"] = token;
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start moltnet node add");
        process.StandardInput.Close();
        return new NodeProcess(process, home);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Home.Dispose();
    }
}
