using System.ComponentModel;
using System.Diagnostics;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>The outcome of one runtime process.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The error text of a failed run: stderr, else stdout.</summary>
    public string ErrorText => (Stderr.Trim().Length > 0 ? Stderr : Stdout).Trim();
}

/// <summary>Runs a runtime executable with a working directory, extra environment and stdin; kills its process tree on timeout.</summary>
public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static async Task<ProcessResult> RunAsync(string command, IEnumerable<string> args, string? workingDirectory,
        IReadOnlyDictionary<string, string> env, string? stdin, TimeSpan timeout, CancellationToken ct)
    {
        var exe = command.Contains('/') && !Path.IsPathRooted(command) ? Path.GetFullPath(command, workingDirectory ?? Directory.GetCurrentDirectory()) : command;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(exe, args, workingDirectory, env, stdin, timeout, ct);
            }
            catch (Win32Exception e) when (e.NativeErrorCode == 26 && attempt <= 5)
            {
                // ETXTBSY: the executable is still being written (e.g. just installed); retry shortly.
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), ct);
            }
        }
    }

    private static async Task<ProcessResult> RunOnceAsync(string exe, IEnumerable<string> args, string? workingDirectory,
        IReadOnlyDictionary<string, string> env, string? stdin, TimeSpan timeout, CancellationToken ct)
    {
        var info = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e) when (e.NativeErrorCode != 26)
        {
            throw new InvalidOperationException($"cannot start {exe}: {e.Message}", e);
        }
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (stdin is not null) await process.StandardInput.WriteAsync(stdin.AsMemory(), ct);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process exited without reading its input; its exit code tells.
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            ct.ThrowIfCancellationRequested();
            throw new TimeoutException($"{Path.GetFileName(exe)} did not finish within {timeout.TotalSeconds:0}s; killed");
        }
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
