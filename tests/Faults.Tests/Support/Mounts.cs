using System.Diagnostics;

namespace Moltnet.Faults.Tests.Support;

/// <summary>Small filesystem mounts for store-outage cases (tmpfs of a fixed size, read-only bind mounts). Needs root;
/// <see cref="MountFactAttribute"/> skips the tests otherwise, except under <c>CI=true</c> where they run and fail.</summary>
public sealed class Mount : IDisposable
{
    private Mount(string path) => Path = path;

    public string Path { get; }

    public static bool Possible { get; } = !OperatingSystem.IsWindows() && Environment.UserName == "root" && File.Exists("/usr/bin/mount");

    public const string MissingMessage = "mounting needs root and mount(8): run the tests as root (skipped locally, fails under CI=true)";

    /// <summary>A tmpfs of <paramref name="megabytes"/> MiB on a fresh directory.</summary>
    public static Mount Tmpfs(int megabytes)
    {
        var dir = Directory.CreateTempSubdirectory("moltnet-tmpfs-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", dir);
        return new Mount(dir);
    }

    /// <summary>A bind mount of <paramref name="source"/> on a fresh directory.</summary>
    public static Mount Bind(string source)
    {
        var dir = Directory.CreateTempSubdirectory("moltnet-bind-").FullName;
        Run("mount", "--bind", source, dir);
        return new Mount(dir);
    }

    /// <summary>Makes this mount read-only or read-write again (fails with EBUSY while files are open for writing).</summary>
    public void Remount(bool readOnly) => Run("mount", "-o", $"remount,bind,{(readOnly ? "ro" : "rw")}", Path);

    public void Dispose()
    {
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception)
        {
            // Best effort.
        }
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.WaitForExit(30_000);
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {err.Result}");
    }
}

/// <summary>A fact that needs <see cref="Mount"/>: skipped without root locally, run (and failing) under <c>CI=true</c>.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (!Mount.Possible && !FaultMode.IsCi) Skip = Mount.MissingMessage;
    }
}
