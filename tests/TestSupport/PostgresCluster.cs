using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Moltnet.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run, built with the machine's binaries (<c>initdb</c>, <c>pg_ctl</c> from
/// <c>pg_config --bindir</c> or <c>/usr/lib/postgresql/*/bin</c>) in a temp dir, listening on a free loopback port with
/// its unix socket in the temp dir. Run as the <c>postgres</c> user when the tests run as root. Stopped and deleted on
/// dispose. Missing binaries: tests marked <see cref="PostgresFactAttribute"/> are skipped, unless <c>CI=true</c>, where
/// the fixture fails them. Each test project declares its own collection (xunit collection fixtures live in the test
/// assembly): <c>[CollectionDefinition("postgres")] class PostgresCollection : ICollectionFixture&lt;PostgresCluster&gt;</c>.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private string _root = "";

    public int Port { get; private set; }

    private string DataDir => Path.Combine(_root, "data");

    private string SocketDir => Path.Combine(_root, "sock");

    /// <summary>The directory holding <c>initdb</c> and <c>pg_ctl</c>, or null when PostgreSQL is not installed.</summary>
    public static string? BinDir { get; } = FindBinDir();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public const string MissingMessage = "PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql";

    /// <summary>The admin DSN (database <c>postgres</c>).</summary>
    public string AdminDsn => Dsn("postgres") + ";Pooling=false";

    public string Dsn(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}";

    public async Task InitializeAsync()
    {
        if (BinDir is null)
        {
            if (IsCi) throw new InvalidOperationException(MissingMessage + " (CI=true: failing instead of skipping)");
            return;
        }
        _root = Directory.CreateTempSubdirectory("moltnet-pg-").FullName;
        Directory.CreateDirectory(SocketDir);
        if (IsRoot) Run("chown", "-R", "postgres:postgres", _root);
        Port = FreePort();
        await Task.Run(() => RunPg("initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-instructions", "-D", DataDir));
        await StartAsync();
    }

    public Task StartAsync() => Task.Run(() => RunPg("pg_ctl", "-D", DataDir, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {SocketDir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200", "start"));

    public Task StopAsync() => Task.Run(() => RunPg("pg_ctl", "-D", DataDir, "-m", "fast", "-w", "stop"));

    /// <summary>Creates an empty database and returns its DSN.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "moltnet_" + Guid.NewGuid().ToString("N")[..16];
        await using var c = new NpgsqlConnection(AdminDsn);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        await cmd.ExecuteNonQueryAsync();
        return Dsn(name);
    }

    public async Task DropDatabaseAsync(string dsn)
    {
        var name = new NpgsqlConnectionStringBuilder(dsn).Database;
        try
        {
            await using var c = new NpgsqlConnection(AdminDsn);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception)
        {
            // Best effort: the cluster is deleted at the end of the run anyway.
        }
    }

    /// <summary>Runs SQL on the admin connection.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var c = new NpgsqlConnection(AdminDsn);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        if (_root.Length == 0) return;
        try
        {
            await StopAsync();
        }
        catch (Exception)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private void RunPg(string tool, params string[] args)
    {
        var exe = Path.Combine(BinDir!, tool);
        if (IsRoot) Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else Run(exe, args);
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{file} timed out"); }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stdout.Result}{stderr.Result}");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string? FindBinDir()
    {
        // MOLTNET_TEST_PG_BINDIR: a directory to use, or "none" to act as if PostgreSQL were not installed.
        var forced = Environment.GetEnvironmentVariable("MOLTNET_TEST_PG_BINDIR");
        if (!string.IsNullOrEmpty(forced)) return forced == "none" ? null : forced;
        static bool Ok(string? dir) => dir is not null && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
        try
        {
            var psi = new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi);
            if (p is not null && p.WaitForExit(10_000))
            {
                var dir = p.StandardOutput.ReadToEnd().Trim();
                if (Ok(dir)) return dir;
            }
        }
        catch (Exception)
        {
            // pg_config missing: look in the Debian layout.
        }
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var dir in Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => d, StringComparer.Ordinal))
            {
                var bin = Path.Combine(dir, "bin");
                if (Ok(bin)) return bin;
            }
        }
        return null;
    }
}

/// <summary>A fact that is skipped, with the install hint, when PostgreSQL is not installed, unless <c>CI=true</c> (then
/// it runs and the fixture fails it).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresCluster.BinDir is null && !PostgresCluster.IsCi) Skip = PostgresCluster.MissingMessage;
    }
}
