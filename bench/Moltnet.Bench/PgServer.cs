using System.Diagnostics;

namespace Moltnet.Bench;

/// <summary>A throwaway PostgreSQL server for the <c>cluster</c> scenario: <c>initdb</c> + <c>pg_ctl</c> from the machine's
/// PostgreSQL install (run as the <c>postgres</c> user when the bench runs as root) in a temp dir, on a free loopback
/// port, durable settings (<c>fsync</c>, <c>synchronous_commit</c> on) and the checkpoint spacing docs/deploying.md
/// recommends (<c>max_wal_size = 4GB</c>, <c>checkpoint_timeout = 15min</c>; at the ~14 MB/s of WAL the peak writes, the
/// default 1 GB set off a checkpoint, and the full-page writes after it, about every 40 s, in one setup's window or the
/// other's). Stopped and deleted on dispose.</summary>
internal sealed class PgServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _bin;

    private PgServer(string root, string bin, int port)
    {
        _root = root;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PgServer> StartAsync(CancellationToken ct)
    {
        var bin = FindBinDir() ?? throw new InvalidOperationException(
            "the cluster scenario needs PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql");
        var root = Directory.CreateTempSubdirectory("moltnet-bench-pg-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "sock"));
        if (IsRoot) await RunAsync("chown", ["-R", "postgres:postgres", root], ct);
        var pg = new PgServer(root, bin, ServerHost.FreePort());
        await pg.RunPgAsync("initdb", ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-instructions", "-D", Path.Combine(root, "data")], ct);
        await pg.RunPgAsync("pg_ctl", ["-D", Path.Combine(root, "data"), "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o",
            $"-p {pg.Port} -k {Path.Combine(root, "sock")} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200 -c max_wal_size=4GB -c checkpoint_timeout=15min", "start"], ct);
        return pg;
    }

    /// <summary>Creates an empty database and returns its DSN.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken ct)
    {
        await PsqlAsync($"CREATE DATABASE {name}", ct);
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
    }

    /// <summary>Drops a database that a finished setup used, so its leftover work (autovacuum of its tables) does not run
    /// in the next setup's windows.</summary>
    public Task DropDatabaseAsync(string name, CancellationToken ct) => PsqlAsync($"DROP DATABASE {name} WITH (FORCE)", ct);

    /// <summary>Writes every dirty page and starts the next checkpoint cycle afresh, so the WAL a heavy phase wrote does not
    /// set off a checkpoint (and its slow fsyncs) in the middle of the next phase.</summary>
    public Task CheckpointAsync(CancellationToken ct) => PsqlAsync("CHECKPOINT", ct);

    /// <summary>Runs one statement as <c>postgres</c> in the <c>postgres</c> database; fails on an SQL error.</summary>
    private Task PsqlAsync(string sql, CancellationToken ct) =>
        RunPgAsync("psql", ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres",
            "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], ct);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunPgAsync("pg_ctl", ["-D", Path.Combine(_root, "data"), "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private Task RunPgAsync(string tool, string[] args, CancellationToken ct)
    {
        var exe = Path.Combine(_bin, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args], ct) : RunAsync(exe, args, ct);
    }

    private static async Task RunAsync(string file, string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not run {file}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stdout}{await stderr}");
    }

    private static string? FindBinDir()
    {
        static bool Ok(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "psql"));
        if (!Directory.Exists("/usr/lib/postgresql")) return null;
        return Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal)
            .Select(d => Path.Combine(d, "bin")).FirstOrDefault(Ok);
    }
}
