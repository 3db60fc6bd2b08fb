using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

public sealed class GeneralCommandTests
{
    [Theory]
    [InlineData("version")]
    [InlineData("--version")]
    public async Task Version_prints_the_build_version(string arg)
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, arg);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["moltnet 0.1.0"], Moltnet.Lines(r.Stdout));
    }

    [Fact]
    public void The_executable_ships_its_runtime_settings()
    {
        // Silo/RuntimeSettings.props, written into the runtimeconfig every run of the executable reads (docs/deploying.md,
        // "Runtime settings"): no spinning idle workers, no background GC (its 6 MiB young-generation cap).
        var path = Path.ChangeExtension(ServerProcess.MoltnetDll, ".runtimeconfig.json");
        var settings = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;
        Assert.Equal(0, (int?)settings["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]);
        Assert.False((bool?)settings["System.GC.Concurrent"]);
    }

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_usage_with_every_command(string arg)
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, arg);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Usage:", r.Stdout, StringComparison.Ordinal);
        foreach (var command in new[] { "start", "server", "init", "validate", "version", "help" })
            Assert.Contains(command, r.Stdout, StringComparison.Ordinal);
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public async Task Help_for_one_command_prints_its_usage()
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, "help", "init");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("--force", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_exits_1_with_the_usage_on_stderr()
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, "frobnicate", "--now");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = Moltnet.Lines(r.Stderr);
        Assert.Matches(@"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} unknown command ""frobnicate""$", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("Usage:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_option_exits_1()
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, "init", "--bogus");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--bogus", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("Moltnet")));
    }
}
