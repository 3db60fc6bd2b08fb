using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Moltnet.Wire;

namespace Moltnet.NodeClient.RemoteNodes;

/// <summary>Runs <c>system.run</c> (remote-nodes.md §5, ours): <c>sh -c</c> in its own process group (setsid), stdin
/// closed, the node's environment without its own secrets plus the filtered forwarded keys, a timeout clamped to the
/// node maximum, the whole group killed on timeout or cancel, each stream capped (UTF-8-safe) and streamed.</summary>
public static partial class CommandRunner
{
    public const int TimedOutExitCode = 124;
    public const int CancelledExitCode = 130;

    /// <summary>Variables of the node process that commands never see.</summary>
    private static readonly string[] Hidden = ["MOLTNET_DEVICE_TOKEN", "MOLTNET_GATEWAY_URL"];

    public static async Task<RunResult> RunAsync(RunArgs args, RemoteNodeSettings settings, NodePolicy policy,
        Func<string, string, Task> onChunk, CancellationToken cancel)
    {
        var command = args.Command;
        if (string.IsNullOrWhiteSpace(command)) return Refused("command is required");
        if (policy.Refuse(command) is { } refusal) return Refused(refusal);
        var cwd = args.Cwd ?? settings.WorkingDir ?? Environment.GetEnvironmentVariable("HOME") ?? Environment.CurrentDirectory;
        try { cwd = Path.GetFullPath(cwd, settings.WorkingDir ?? Environment.CurrentDirectory); }
        catch (ArgumentException) { return Refused($"invalid working directory {cwd}"); }
        if (!Directory.Exists(cwd)) return Refused($"working directory {cwd} does not exist");
        if (policy.RefuseDirectory(cwd) is { } outside) return Refused(outside);

        var maxSecs = Math.Min(settings.Timeout > 0 ? settings.Timeout : RemoteNodeSettings.DefaultTimeout, policy.MaxTimeoutSecs ?? int.MaxValue);
        var timeoutMs = Math.Clamp(args.Timeout ?? maxSecs * 1000, 1, maxSecs * 1000L);

        var setsid = OperatingSystem.IsLinux() && File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid"
            : OperatingSystem.IsLinux() && File.Exists("/bin/setsid") ? "/bin/setsid" : null;
        var psi = new ProcessStartInfo(setsid ?? "/bin/sh")
        {
            WorkingDirectory = cwd,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid is not null) psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        foreach (var key in Hidden) psi.Environment.Remove(key);
        foreach (var (k, v) in ForwardedEnv.Filter(args.Env)) psi.Environment[k] = v;

        using var process = new Process { StartInfo = psi };
        try { process.Start(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return Refused("could not start the command: " + e.Message);
        }
        process.StandardInput.Close();
        var sendLock = new SemaphoreSlim(1, 1);
        async Task Send(string stream, string data)
        {
            await sendLock.WaitAsync(CancellationToken.None);
            try { await onChunk(stream, data); }
            finally { sendLock.Release(); }
        }
        var stdout = new CappedStream("stdout", policy.OutputCap, Send);
        var stderr = new CappedStream("stderr", policy.OutputCap, Send);
        var readOut = stdout.PumpAsync(process.StandardOutput.BaseStream);
        var readErr = stderr.PumpAsync(process.StandardError.BaseStream);

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(timeoutMs));
        using var either = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancel);
        var (timedOut, cancelled) = (false, false);
        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            cancelled = cancel.IsCancellationRequested;
            timedOut = !cancelled;
            KillGroup(process, setsid is not null);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        // Output of background children that left the group may keep a pipe open: wait briefly, then stop reading.
        await Task.WhenAny(Task.WhenAll(readOut, readErr), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
        var exit = timedOut ? TimedOutExitCode : cancelled ? CancelledExitCode : process.ExitCode;
        return new RunResult
        {
            Stdout = stdout.Text,
            Stderr = stderr.Text,
            ExitCode = exit,
            TimedOut = timedOut,
            Cancelled = cancelled,
            StdoutTruncated = stdout.Truncated,
            StderrTruncated = stderr.Truncated,
            Truncated = stdout.Truncated || stderr.Truncated,
        };
    }

    private static RunResult Refused(string why) => new() { ExitCode = 126, Error = why };

    /// <summary>SIGKILL to the whole process group (the command and everything it started), else the process tree.</summary>
    private static void KillGroup(Process process, bool ownGroup)
    {
        if (ownGroup && !OperatingSystem.IsWindows() && Kill(-process.Id, 9) == 0) return;
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>One output stream: decoded as UTF-8 across reads, kept up to the cap (never splitting a character), each
    /// kept piece streamed as a chunk; the rest is drained and flagged as truncated.</summary>
    private sealed class CappedStream(string name, int cap, Func<string, string, Task> send)
    {
        private readonly StringBuilder _kept = new();
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private int _bytes;

        public bool Truncated { get; private set; }
        public string Text { get { lock (_kept) return _kept.ToString(); } }

        public async Task PumpAsync(Stream source)
        {
            var buffer = new byte[8192];
            var chars = new char[8192 + 4];
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                if (Truncated) continue;
                var n = _decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
                var piece = Keep(chars.AsSpan(0, n));
                if (piece.Length > 0) await send(name, piece);
            }
            var tail = new char[8];
            var last = _decoder.GetChars([], 0, 0, tail, 0, flush: true);
            if (!Truncated && last > 0 && Keep(tail.AsSpan(0, last)) is { Length: > 0 } rest) await send(name, rest);
        }

        private string Keep(ReadOnlySpan<char> text)
        {
            var sb = new StringBuilder();
            var i = 0;
            while (i < text.Length)
            {
                var len = char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1;
                var size = Encoding.UTF8.GetByteCount(text.Slice(i, len));
                if (_bytes + size > cap)
                {
                    Truncated = true;
                    break;
                }
                _bytes += size;
                sb.Append(text.Slice(i, len));
                i += len;
            }
            var piece = sb.ToString();
            lock (_kept) _kept.Append(piece);
            return piece;
        }
    }
}

/// <summary>The node's copy of the forwarded-environment filter: a valid name, no blocked prefix, then only TERM, LANG,
/// COLORTERM, NO_COLOR, FORCE_COLOR and LC_*.</summary>
public static class ForwardedEnv
{
    private static readonly string[] Blocked =
        ["DYLD_", "LD_", "NODE_OPTIONS", "PYTHON", "PERL", "RUBYOPT", "SHELLOPTS", "PS4", "MOLTIS_", "MOLTNET_", "OPENAI_",
         "ANTHROPIC_", "AWS_", "GOOGLE_", "AZURE_", "BASH_ENV", "ENV", "IFS"];

    private static readonly string[] Exact = ["TERM", "LANG", "COLORTERM", "NO_COLOR", "FORCE_COLOR"];

    public static IEnumerable<KeyValuePair<string, string>> Filter(IReadOnlyDictionary<string, string>? env) =>
        (env ?? new Dictionary<string, string>()).Where(kv => Allowed(kv.Key) && !kv.Value.Contains('\0'));

    public static bool Allowed(string key)
    {
        if (key.Length == 0 || key.Length > 128 || !(char.IsAsciiLetter(key[0]) || key[0] == '_')
            || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '_'))) return false;
        if (Blocked.Any(b => key == b || (b.EndsWith('_') && key.StartsWith(b, StringComparison.Ordinal))
            || (!b.EndsWith('_') && b is not ("ENV" or "IFS" or "BASH_ENV" or "PS4") && key.StartsWith(b, StringComparison.Ordinal)))) return false;
        return Exact.Contains(key) || key.StartsWith("LC_", StringComparison.Ordinal);
    }
}
