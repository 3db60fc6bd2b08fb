using System.Text.Json.Nodes;

namespace Moltnet.Cli.Tests.Node;

/// <summary>Bootstrap wakes (spec node-and-cli §2.9): one per <c>all</c> room per process, none for <c>mentions</c> rooms.</summary>
public sealed class BootstrapTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_cli_runtime_bound_with_wake_all_gets_one_bootstrap_run_in_the_room_session_and_a_mentions_one_gets_none()
    {
        await using var h = await NodeHarness.StartAsync();
        h.WriteNodeConfig(
            h.Attachment("alpha", $"{{ kind: claude-code, command: {h.Fake("claude", FakeRuntimes.Claude)}, workspace_path: {h.Workspace("alpha")}, home_path: {h.Home("alpha")} }}", wake: "all"),
            h.Attachment("beta", $"{{ kind: codex, command: {h.Fake("codex", FakeRuntimes.Codex)}, workspace_path: {h.Workspace("beta")}, home_path: {h.Home("beta")} }}"));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=\"bootstrap wake delivered\"", "agent=alpha", "room=research");
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=beta");

        // The bootstrap prompt has no message: the fake agent still speaks through moltnet send, having read 0 messages.
        Assert.Equal("alpha read 0 message(s) in run 1", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        var bootstrap = Assert.Single(h.Runs("alpha"));
        Assert.StartsWith("mode=new session=", bootstrap);
        Assert.EndsWith("\nChannel: moltnet\nChat ID: local:room:research\n\nThis Moltnet conversation is now attached to you; use the moltnet skill to read it and to speak in it.\n\n", bootstrap);

        await h.SendAsync("@beta hello");
        Assert.Equal("beta read 1 message(s) in run 1", NodeHarness.Text(await h.NextMessageFromAsync("beta")));
        Assert.Equal("alpha read 1 message(s) in run 2", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        Assert.Contains("Message ID: ", Assert.Single(h.Runs("beta")));
        var session = bootstrap.Split('\n')[0].Split(' ')[1];
        Assert.StartsWith($"mode=resume {session} prior_turns=1", h.Runs("alpha")[1]);
        Assert.Single(node.Output.Split('\n'), l => l.Contains("bootstrap wake delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_control_loop_gets_the_bootstrap_json_line_and_its_answer_is_not_published()
    {
        await using var h = await NodeHarness.StartAsync();
        await using var alpha = new FakeHttpRuntime(body => new JsonObject { ["from"] = "alpha", ["message"] = "pi heard " + body["from"]!.GetValue<string>() });
        await using var beta = new FakeHttpRuntime(body => new JsonObject { ["from"] = "beta", ["message"] = "" });
        h.WriteNodeConfig(
            h.Attachment("alpha", $"{{ kind: pi, control_url: {alpha.Url} }}", wake: "all"),
            h.Attachment("beta", $"{{ kind: pi, control_url: {beta.Url} }}"));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=beta");

        var (_, first) = await alpha.NextRequestAsync(Wait);
        Assert.Equal("moltnet:local:room:research", first["context_id"]!.GetValue<string>());
        Assert.Equal("Moltnet Bootstrap", first["from"]!.GetValue<string>());
        Assert.Equal("alpha", first["to"]!.GetValue<string>());
        Assert.Equal("""
            [room research] Moltnet Bootstrap
            This Moltnet room is now attached. You may stay silent. If the room is empty you may run your own startup action. Nothing you answer here is sent automatically: speak only with `moltnet send`.
            {"kind":"bootstrap","source":"moltnet","network_id":"local","conversation":"moltnet:local:room:research","target":{"kind":"room","room_id":"research"}}
            """, first["message"]!.GetValue<string>());

        await h.SendAsync("@beta ping");
        Assert.Equal("pi heard Carol", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        var (_, second) = await alpha.NextRequestAsync(Wait);
        Assert.Equal("Carol", second["from"]!.GetValue<string>());
        var (_, onlyBeta) = await beta.NextRequestAsync(Wait);
        Assert.Equal("[room research] Carol\n@beta ping", onlyBeta["message"]!.GetValue<string>());
    }
}
