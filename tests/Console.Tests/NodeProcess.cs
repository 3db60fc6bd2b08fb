using System.Diagnostics;
using System.Text;
using Moltnet.TestSupport;

namespace Moltnet.Console.Tests;

/// <summary>A real remote node: <c>moltnet node add --foreground</c> with the command the console printed, its home in a
/// temp directory (so no service is installed and no real <c>~/.moltnet</c> is touched).</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _home = new();
    private readonly StringBuilder _output = new();

    private NodeProcess(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(CliProcess.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _home.Path,
        };
        psi.ArgumentList.Add(ServerProcess.MoltnetDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--foreground");
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MOLTNET_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        psi.Environment["HOME"] = _home.Path;
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the node");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Runs the console's connection command (<c>moltnet node add --host … --token … --node-id … [--name '…']</c>).</summary>
    public static NodeProcess FromCommand(string command)
    {
        var words = Split(command);
        Assert.True(words.Count > 3 && words[0] == "moltnet" && words[1] == "node" && words[2] == "add", command);
        return new NodeProcess(words.Skip(1).ToList());
    }

    /// <summary>Shell words: spaces separate, single quotes group (with the <c>'\''</c> escape the console emits).</summary>
    private static List<string> Split(string command)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '\'')
            {
                quoted = !quoted;
                any = true;
            }
            else if (c == '\\' && !quoted && i + 1 < command.Length) current.Append(command[++i]);
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0 || any) words.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else current.Append(c);
        }
        if (current.Length > 0 || any) words.Add(current.ToString());
        return words;
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _home.Dispose();
    }
}
