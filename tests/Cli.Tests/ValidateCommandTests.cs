using Moltnet.Cli.Commands;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

public sealed class ValidateCommandTests
{
    private const string BadServer = """
        version: moltnet.v9
        auth: { mode: bearer }
        rooms: [ { id: "a b" } ]
        """;

    [Fact]
    public async Task Validate_a_directory_checks_both_configs()
    {
        using var dir = new TempDirectory();
        dir.Write("conf/moltnet.yaml", InitCommand.ServerTemplate);
        dir.Write("conf/moltnet-node.json", """{"moltnet": {"base_url": "http://127.0.0.1:8787", "network_id": "local"}}""");

        var r = await Moltnet.RunAsync(dir.Path, "validate", "conf");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["validated conf/moltnet.yaml", "validated conf/moltnet-node.json"], Moltnet.Lines(r.Stdout));
    }

    [Fact]
    public async Task Validate_an_empty_directory_fails_with_the_not_found_message()
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, "validate");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(["no Moltnet or MoltnetNode config found in ."], Moltnet.ErrorLines(r));
    }

    [Theory]
    [InlineData("Moltnet", InitCommand.ServerTemplate)]
    [InlineData("MoltnetNode", InitCommand.NodeTemplate)]
    [InlineData("any-name.yaml", InitCommand.NodeTemplate)]
    public async Task Validate_a_file_accepts_a_server_or_a_node_config(string name, string text)
    {
        using var dir = new TempDirectory();
        dir.Write(name, text);

        var r = await Moltnet.RunAsync(dir.Path, "validate", name);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([$"validated {name}"], Moltnet.Lines(r.Stdout));
    }

    [Fact]
    public async Task An_invalid_file_fails_listing_every_error_of_both_attempts()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", BadServer);

        var r = await Moltnet.RunAsync(dir.Path, "validate", "Moltnet");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = Moltnet.ErrorLines(r);
        Assert.Equal("Moltnet: not a valid Moltnet or MoltnetNode config", lines[0]);
        Assert.Contains("as Moltnet: Moltnet: version: must be moltnet.v1 (got \"moltnet.v9\")", lines);
        Assert.Contains("as Moltnet: Moltnet: auth.tokens: bearer mode needs at least one token", lines);
        Assert.Contains("as Moltnet: Moltnet: rooms[0].id: not a valid room id (got \"a b\")", lines);
        Assert.Contains(lines, l => l.StartsWith("as MoltnetNode: Moltnet: auth: unknown key", StringComparison.Ordinal));
        Assert.Contains("as MoltnetNode: Moltnet: moltnet.base_url: required", lines);
    }

    [Fact]
    public async Task An_invalid_config_in_a_directory_fails_while_the_valid_one_is_reported()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", BadServer);
        dir.Write("MoltnetNode", InitCommand.NodeTemplate);

        var r = await Moltnet.RunAsync(dir.Path, "validate", ".");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["validated MoltnetNode"], Moltnet.Lines(r.Stdout));
        Assert.Equal(
        [
            "Moltnet: version: must be moltnet.v1 (got \"moltnet.v9\")",
            "Moltnet: auth.tokens: bearer mode needs at least one token",
            "Moltnet: rooms[0].id: not a valid room id (got \"a b\")",
        ], Moltnet.ErrorLines(r));
    }

    [Fact]
    public async Task Validate_uses_the_environment_like_start_does()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "auth: { mode: bearer, tokens: [ { id: ci, value_env: CI_TOKEN, scopes: [write] } ] }\n");

        var missing = await Moltnet.RunAsync(dir.Path, "validate");
        var present = await Moltnet.RunAsync(dir.Path, new Dictionary<string, string?> { ["CI_TOKEN"] = "s" }, "validate");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Moltnet: auth.tokens[0].value_env: environment variable CI_TOKEN is not set or empty", Moltnet.ErrorLines(missing));
        Assert.True(present.ExitCode == 0, present.ToString());
    }

    [Fact]
    public async Task A_missing_path_is_an_error()
    {
        using var dir = new TempDirectory();

        var r = await Moltnet.RunAsync(dir.Path, "validate", "nope.yaml");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["nope.yaml: no such file or directory"], Moltnet.ErrorLines(r));
    }
}
