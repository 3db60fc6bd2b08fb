using System.Diagnostics;

namespace Moltnet.Bench;

/// <summary>Finds this repository, the built server and the results folder.</summary>
internal static class RepoPaths
{
    /// <summary>The folder holding <c>Moltnet.sln</c>, searched upward from the working directory and from the bench binary.</summary>
    public static string? Root() =>
        Up(Directory.GetCurrentDirectory()) ?? Up(AppContext.BaseDirectory);

    public static string ResultsDir(BenchOptions o) =>
        o.ResultsDir ?? (Root() is { } root ? Path.Combine(root, "bench", "results", o.Scenario == "cluster" ? "cluster" : "")
            : Path.Combine(Directory.GetCurrentDirectory(), "bench-results"));

    /// <summary>The server to start: <c>--server-dll</c>, else the Release build of <c>Cli</c> (brought up to date first).</summary>
    public static async Task<string> ServerDllAsync(BenchOptions o, CancellationToken ct)
    {
        if (o.ServerDll is not null)
            return File.Exists(o.ServerDll) ? Path.GetFullPath(o.ServerDll) : throw new FileNotFoundException($"--server-dll {o.ServerDll} does not exist");
        return await BuiltDllAsync("Cli/Cli.csproj", "Cli/bin/Release/net10.0/moltnet.dll", ct);
    }

    /// <summary>The Release build of <paramref name="project"/> (paths relative to the repository), brought up to date once per
    /// bench process (an incremental build): a build left over from before a change measured the old code.</summary>
    public static Task<string> BuiltDllAsync(string project, string output, CancellationToken ct)
    {
        lock (Builds)
        {
            // Once per bench process: the scenarios of a suite share the build.
            if (!Builds.TryGetValue(project, out var build) || build.IsFaulted || build.IsCanceled)
                Builds[project] = build = BuildAsync(project, output, ct);
            return build;
        }
    }

    private static readonly Dictionary<string, Task<string>> Builds = [];

    private static async Task<string> BuildAsync(string project, string output, CancellationToken ct)
    {
        var root = Root() ?? throw new InvalidOperationException("cannot find Moltnet.sln; pass --server-dll or --url");
        var dll = Path.Combine(root, output);
        Console.WriteLine($"building: dotnet build -c Release {project}");
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false };
        foreach (var a in new[] { "build", "-c", "Release", project, "-nologo", "-v", "q" }) psi.ArgumentList.Add(a);
        using var build = Process.Start(psi) ?? throw new InvalidOperationException("could not run dotnet build");
        await build.WaitForExitAsync(ct);
        if (build.ExitCode != 0 || !File.Exists(dll)) throw new InvalidOperationException($"building {project} failed (exit {build.ExitCode})");
        return dll;
    }

    private static string? Up(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Moltnet.sln"))) return dir.FullName;
        return null;
    }
}
