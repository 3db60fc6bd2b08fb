using System.Diagnostics;
using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests;

/// <summary><c>read --follow</c>, <c>connect</c>, <c>register-agent</c>, <c>skill install</c>, <c>completion</c>.</summary>
[Collection(ClientServerCollection.Name)]
public sealed class FollowAndSetupCommandTests(ClientServerFixture f)
{
    [Fact]
    public async Task Read_follow_prints_the_page_then_messages_posted_after_it_started()
    {
        var psi = new ProcessStartInfo(CliProcess.DotnetHost)
        {
            WorkingDirectory = f.Workspace.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Moltnet.Dll, "read", "--target", "room:research", "--limit", "1", "--follow", "--json" }) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("MOLTNET_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        using var process = Process.Start(psi)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var page = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(JsonNode.Parse(page!)!["page"]);

            var sent = await f.RunAsync("send", "--target", "room:research", "--text", "live after follow");
            Assert.True(sent.ExitCode == 0, sent.ToString());
            var id = (string)JsonNode.Parse(sent.Stdout)!["message_id"]!;

            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            var message = JsonNode.Parse(line!)!;
            Assert.Equal(id, (string?)message["id"]);
            Assert.Equal("live after follow", (string?)message["parts"]![0]!["text"]);
            Assert.False(process.HasExited);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Connect_writes_a_private_config_with_wake_never_and_installs_the_servers_skill()
    {
        using var ws = new TempDirectory();

        var r = await Moltnet.RunAsync(ws.Path, "connect", "--runtime", "codex", "--base-url", f.Server.Url, "--network-id", "local",
            "--member-id", "alpha", "--rooms", "research,readonly", "--token", ClientServerFixture.AlphaToken);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([
            "installed skill .agents/skills/moltnet/SKILL.md, .codex/skills/moltnet/SKILL.md",
            "wrote Moltnet client config .moltnet/config.json",
        ], Moltnet.Lines(r.Stdout));
        Assert.Equal(TempDirectory.Private, TempDirectory.ModeOf(ws.Combine(".moltnet/config.json")));
        var config = JsonNode.Parse(File.ReadAllText(ws.Combine(".moltnet/config.json")))!;
        var attachment = config["attachments"]![0]!;
        Assert.Equal("bearer", (string?)attachment["auth"]!["mode"]);
        Assert.Equal(["never", "never"], attachment["rooms"]!.AsArray().Select(x => (string)x!["wake"]!).ToArray());
        var skill = File.ReadAllText(ws.Combine(".codex/skills/moltnet/SKILL.md"));
        Assert.Contains("name: moltnet", skill, StringComparison.Ordinal);
        Assert.Contains("Access: read/write", skill, StringComparison.Ordinal);

        var send = await Moltnet.RunAsync(ws.Path, "send", "--target", "room:research", "--text", "from connect");
        Assert.True(send.ExitCode == 0, send.ToString());
    }

    [Fact]
    public async Task Connect_requires_its_flags()
    {
        using var ws = new TempDirectory();

        var r = await Moltnet.RunAsync(ws.Path, "connect", "--base-url", f.Server.Url, "--member-id", "a");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["--network-id is required"], Moltnet.ErrorLines(r));
        Assert.False(File.Exists(ws.Combine(".moltnet/config.json")));
    }

    [Fact]
    public async Task Register_agent_with_an_admin_token_prints_the_registration_and_writes_identity()
    {
        using var ws = new TempDirectory();

        var r = await Moltnet.RunAsync(ws.Path, "register-agent", "--agent", "delta", "--name", "Delta", "--base-url", f.Server.Url,
            "--token", ClientServerFixture.AdminToken, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Single(Moltnet.Lines(r.Stdout));
        var body = JsonNode.Parse(r.Stdout)!;
        Assert.Equal("delta", (string?)body["agent_id"]);
        Assert.Equal("molt://local/agents/delta", (string?)body["actor_uri"]);
        var identity = JsonNode.Parse(File.ReadAllText(ws.Combine(".moltnet/identity.json")))!;
        Assert.Equal("moltnet.identity.v1", (string?)identity["version"]);
        Assert.Equal("delta", (string?)identity["agent_id"]);
    }

    [Fact]
    public async Task Skill_install_writes_each_runtime_path_and_refuses_pi()
    {
        using var ws = new TempDirectory();

        var codex = await Moltnet.RunAsync(ws.Path, "skill", "install", "--runtime", "codex");
        var claude = await Moltnet.RunAsync(ws.Path, "skill", "install", "--runtime", "claude-code", "--json");
        var pi = await Moltnet.RunAsync(ws.Path, "skill", "install", "--runtime", "pi");

        Assert.Equal(["installed .agents/skills/moltnet/SKILL.md, .codex/skills/moltnet/SKILL.md"], Moltnet.Lines(codex.Stdout));
        Assert.Contains("name: moltnet", File.ReadAllText(ws.Combine(".codex/skills/moltnet/SKILL.md")), StringComparison.Ordinal);
        Assert.Equal("""{"installed":[".claude/skills/moltnet/SKILL.md"]}""", claude.Stdout.Trim());
        Assert.Equal(1, pi.ExitCode);
        Assert.StartsWith("skill install does not support runtime \"pi\"", Assert.Single(Moltnet.ErrorLines(pi)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _moltnet moltnet")]
    [InlineData("zsh", "#compdef moltnet")]
    public async Task Completion_prints_a_script_with_every_command_and_flag(string shell, string marker)
    {
        using var ws = new TempDirectory();

        var r = await Moltnet.RunAsync(ws.Path, "completion", shell);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(marker, r.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"admin room members\") echo \"add remove\"", r.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"""send""\) echo "".*--target.*--text", r.Stdout);
        var bad = await Moltnet.RunAsync(ws.Path, "completion", "fish");
        Assert.Equal(1, bad.ExitCode);
    }

    [Fact]
    public async Task Every_client_command_has_help()
    {
        using var ws = new TempDirectory();
        foreach (var command in new[] { "send", "read", "conversations", "participants", "rooms", "agents", "register-agent", "connect", "apply" })
        {
            var r = await Moltnet.RunAsync(ws.Path, command, "--help");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("--json", r.Stdout, StringComparison.Ordinal);
        }
    }
}
