using Moltnet.Cli.Commands;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

public sealed class InitCommandTests
{
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Init_in_an_empty_directory_creates_both_files_private()
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, "init");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["initialized .", "created Moltnet", "created MoltnetNode"], Moltnet.Lines(r.Stdout));
        Assert.Equal("", r.Stderr);
        Assert.Equal(InitCommand.ServerTemplate, File.ReadAllText(dir.Combine("Moltnet")));
        Assert.Equal(InitCommand.NodeTemplate, File.ReadAllText(dir.Combine("MoltnetNode")));
        Assert.Equal(Mode0600, TempDirectory.ModeOf(dir.Combine("Moltnet")));
        Assert.Equal(Mode0600, TempDirectory.ModeOf(dir.Combine("MoltnetNode")));
        Assert.Equal(["Moltnet", "MoltnetNode"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public async Task A_second_init_keeps_the_files_and_says_so()
    {
        using var dir = new TempDirectory();
        await Moltnet.RunAsync(dir.Path, "init");
        File.WriteAllText(dir.Combine("Moltnet"), "network: { id: edited }\n");

        var r = await Moltnet.RunAsync(dir.Path, "init");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["exists Moltnet", "exists MoltnetNode", "initialized .", "no files created"], Moltnet.Lines(r.Stdout));
        Assert.Equal("network: { id: edited }\n", File.ReadAllText(dir.Combine("Moltnet")));
    }

    [Fact]
    public async Task Init_with_force_overwrites_and_reports_created()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "edited", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        dir.Write("MoltnetNode", "edited");

        var r = await Moltnet.RunAsync(dir.Path, "init", "--force");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["initialized .", "created Moltnet", "created MoltnetNode"], Moltnet.Lines(r.Stdout));
        Assert.Equal(InitCommand.ServerTemplate, File.ReadAllText(dir.Combine("Moltnet")));
        Assert.Equal(InitCommand.NodeTemplate, File.ReadAllText(dir.Combine("MoltnetNode")));
        Assert.Equal(Mode0600, TempDirectory.ModeOf(dir.Combine("Moltnet")));
    }

    [Fact]
    public async Task Init_creates_a_missing_directory_with_mode_0700_and_writes_only_missing_files()
    {
        using var dir = new TempDirectory();
        dir.Write("deploy/site/MoltnetNode", "kept");

        var r = await Moltnet.RunAsync(dir.Path, "init", "deploy/site");
        var fresh = await Moltnet.RunAsync(dir.Path, "init", "new/place");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["exists deploy/site/MoltnetNode", "initialized deploy/site", "created deploy/site/Moltnet"], Moltnet.Lines(r.Stdout));
        Assert.Equal("kept", File.ReadAllText(dir.Combine("deploy", "site", "MoltnetNode")));
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        var mode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(mode0700, TempDirectory.ModeOf(dir.Combine("new")));
        Assert.Equal(mode0700, TempDirectory.ModeOf(dir.Combine("new", "place")));
    }

    [Fact]
    public async Task The_files_init_writes_are_valid()
    {
        using var dir = new TempDirectory();
        await Moltnet.RunAsync(dir.Path, "init");

        var r = await Moltnet.RunAsync(dir.Path, "validate");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["validated Moltnet", "validated MoltnetNode"], Moltnet.Lines(r.Stdout));
    }
}
