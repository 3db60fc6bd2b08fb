using System.Diagnostics;

namespace Moltnet.TestSupport;

/// <summary>The outcome of one run of an executable.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs a built .NET executable (<c>dotnet app.dll args…</c>) as a child process and captures its output.</summary>
public static class CliProcess
{
    /// <summary>The <c>dotnet</c> host running the tests, else the one on PATH.</summary>
    public static string DotnetHost { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
        : "dotnet";

    /// <summary>
    /// Runs <c>dotnet <paramref name="dllPath"/> <paramref name="args"/></c> in <paramref name="workingDirectory"/>.
    /// Variables starting with <c>MOLTNET_</c> are removed from the inherited environment, then
    /// <paramref name="env"/> is applied (a null value removes a variable). The process is killed after
    /// <paramref name="timeout"/> (default 30 s) and the run fails with <see cref="TimeoutException"/>.
    /// </summary>
    public static async Task<CliResult> RunAsync(
        string dllPath,
        IEnumerable<string> args,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? env = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var psi = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dllPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MOLTNET_", StringComparison.Ordinal)).ToList())
            psi.Environment.Remove(key);
        foreach (var (key, value) in env ?? new Dictionary<string, string?>())
            psi.Environment[key] = value;

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {DotnetHost}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(dllPath)} {string.Join(' ', args)} did not exit in time");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
