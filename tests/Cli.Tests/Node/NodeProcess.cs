using System.Diagnostics;
using System.Text;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.Node;

/// <summary>A real <c>moltnet node start</c> process; its stderr log lines can be awaited (no polling).</summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private NodeProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    public static NodeProcess Start(string workingDirectory, string configPath, IReadOnlyDictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo(CliProcess.DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Moltnet.Dll);
        psi.ArgumentList.Add("node");
        psi.ArgumentList.Add("start");
        psi.ArgumentList.Add(configPath);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MOLTNET_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        return new NodeProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start moltnet node"));
    }

    /// <summary>Waits for a log line containing all of <paramref name="parts"/> (also one already written).</summary>
    public async Task<string> WaitForLogAsync(TimeSpan timeout, params string[] parts)
    {
        bool Match(string line) => parts.All(p => line.Contains(p, StringComparison.Ordinal));
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            var existing = _output.ToString().Split('\n').FirstOrDefault(Match);
            if (existing is not null) return existing;
            _waiters.Add((Match, seen));
        }
        try
        {
            return await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no node log line with [{string.Join(", ", parts)}] within {timeout}:\n{Output}");
        }
    }

    /// <summary>SIGTERM and wait for the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
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
        List<TaskCompletionSource<string>> hits = [];
        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var w in _waiters.Where(w => w.Match(line)).ToList())
            {
                hits.Add(w.Seen);
                _waiters.Remove(w);
            }
        }
        foreach (var h in hits) h.TrySetResult(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
