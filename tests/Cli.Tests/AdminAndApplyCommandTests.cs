using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

/// <summary><c>admin …</c> and <c>apply</c> against a real server with an admin token.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class AdminAndApplyCommandTests(ClientServerFixture f)
{
    [Fact]
    public async Task Members_add_splits_commas_and_repeats_then_remove_and_agent_remove()
    {
        var add = await f.AdminAsync("admin", "room", "members", "add", "--room", "research", "--member", "m1,m2", "--member", "m3");

        Assert.True(add.ExitCode == 0, add.ToString());
        var members = JsonNode.Parse(add.Stdout)!["members"]!.AsArray().Select(m => (string)m!).ToArray();
        Assert.Contains("m1", members);
        Assert.Contains("m3", members);

        var remove = await f.AdminAsync("admin", "room", "members", "remove", "--room", "research", "--member", "m1", "--json");
        Assert.True(remove.ExitCode == 0, remove.ToString());
        Assert.Single(Moltnet.Lines(remove.Stdout));
        Assert.DoesNotContain("m1", JsonNode.Parse(remove.Stdout)!["members"]!.AsArray().Select(m => (string)m!));

        var agent = await f.AdminAsync("admin", "agent", "remove", "--agent", "m2");
        Assert.True(agent.ExitCode == 0, agent.ToString());
        Assert.Equal("""{"removed":true,"kind":"agent","id":"m2","mode":"soft"}""", JsonOutputOf(agent));
        await f.AdminAsync("admin", "agent", "remove", "--agent", "m3");
    }

    [Fact]
    public async Task Room_remove_soft_removes()
    {
        using var admin = new HttpClient { BaseAddress = new Uri(f.Server.Url) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", ClientServerFixture.AdminToken);
        (await admin.PostAsJsonAsync("/v1/rooms", new { id = "scratch" })).EnsureSuccessStatusCode();

        var r = await f.AdminAsync("admin", "room", "remove", "--room", "scratch");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("""{"removed":true,"kind":"room","id":"scratch","mode":"soft"}""", JsonOutputOf(r));
    }

    [Theory]
    [InlineData(new[] { "admin", "agent", "remove" }, "--agent is required")]
    [InlineData(new[] { "admin", "room", "remove" }, "--room is required")]
    [InlineData(new[] { "admin", "room", "members", "add", "--room", "research" }, "--member is required")]
    public async Task Admin_commands_require_their_flags(string[] args, string message)
    {
        var r = await f.AdminAsync(args);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal([message], Moltnet.ErrorLines(r));
    }

    [Fact]
    public async Task Admin_without_server_or_config_says_so()
    {
        using var empty = new TempDirectory();

        var r = await Moltnet.RunAsync(empty.Path, "admin", "agent", "remove", "--agent", "x");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["admin command requires --base-url or --config"], Moltnet.ErrorLines(r));
    }

    [Fact]
    public async Task Apply_dry_run_shows_the_diff_then_yes_applies_it()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", ClientServerFixture.ServerConfig
            .Replace("members: [alpha, beta] }", "members: [alpha, beta, gamma] }", StringComparison.Ordinal)
            .Replace("rooms:\n", "rooms:\n  - { id: planning, name: Planning, visibility: public, members: [alpha] }\n", StringComparison.Ordinal));
        string[] server = ["--base-url", f.Server.Url, "--token", ClientServerFixture.AdminToken];

        var dry = await Moltnet.RunAsync(dir.Path, ["apply", "--dry-run", .. server]);
        var dryJson = await Moltnet.RunAsync(dir.Path, ["apply", "Moltnet", "--dry-run", "--json", .. server]);
        var refused = await Moltnet.RunAsync(dir.Path, ["apply", .. server]);

        Assert.True(dry.ExitCode == 0, dry.ToString());
        var lines = Moltnet.Lines(dry.Stdout);
        Assert.Contains("  + room planning: name \"Planning\"; public; write members; members alpha", lines);
        Assert.Contains("  ~ room research: add members gamma", lines);
        Assert.Contains("  ~ agent alpha: bind to token:alpha-tok (existing registration kept)", lines);
        var changes = JsonNode.Parse(dryJson.Stdout)!["changes"]!.AsArray();
        Assert.Contains(changes, c => (string?)c!["op"] == "create" && (string?)c["id"] == "planning");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("apply needs confirmation: pass --yes (stdin is not a terminal) or --dry-run", refused.Stderr, StringComparison.Ordinal);
        using (var check = new HttpClient { BaseAddress = new Uri(f.Server.Url) })
        {
            check.DefaultRequestHeaders.Authorization = new("Bearer", ClientServerFixture.AdminToken);
            Assert.Equal(404, (int)(await check.GetAsync("/v1/rooms/planning")).StatusCode);
        }

        var applied = await Moltnet.RunAsync(dir.Path, ["apply", "--yes", .. server]);
        var again = await Moltnet.RunAsync(dir.Path, ["apply", "--dry-run", .. server]);

        Assert.True(applied.ExitCode == 0, applied.ToString());
        var result = JsonNode.Parse(applied.Stdout)!;
        Assert.True((bool)result["applied"]!);
        Assert.Contains("planning", result["rooms"]!.AsArray().Select(r => (string)r!["id"]!));
        Assert.Contains("  ~ room research: add members gamma", Moltnet.Lines(applied.Stderr));
        Assert.Contains("  = room planning", Moltnet.Lines(again.Stdout));
        Assert.Contains("  = room research", Moltnet.Lines(again.Stdout));
    }

    [Fact]
    public async Task Apply_reports_config_errors()
    {
        using var dir = new TempDirectory();
        dir.Write("Moltnet", "rooms: [ { id: \"a b\" } ]\n");

        var r = await Moltnet.RunAsync(dir.Path, "apply", "--dry-run", "--base-url", f.Server.Url);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("Moltnet: rooms[0].id: not a valid room id (got \"a b\")", Moltnet.ErrorLines(r));
    }

    private static string JsonOutputOf(CliResult r) => JsonNode.Parse(r.Stdout)!.ToJsonString();
}
