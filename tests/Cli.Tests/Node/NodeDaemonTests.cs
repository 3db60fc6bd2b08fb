using System.Text.Json.Nodes;
using Moltnet.TestSupport;

namespace Moltnet.Cli.Tests.Node;

/// <summary>
/// End to end: a real server, a real <c>moltnet node start</c> and fake runtime executables that behave like Claude Code,
/// Codex and a generic command. Barriers are server events (SSE), node log lines and the fakes' own marker files.
/// </summary>
public sealed class NodeDaemonTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static string Claude(NodeHarness h, string agent) =>
        $"{{ kind: claude-code, command: {h.Fake("claude", FakeRuntimes.Claude)}, workspace_path: {h.Workspace(agent)}, home_path: {h.Home(agent)} }}";

    private static string Codex(NodeHarness h, string agent) =>
        $"{{ kind: codex, command: {h.Fake("codex", FakeRuntimes.Codex)}, workspace_path: {h.Workspace(agent)}, home_path: {h.Home(agent)} }}";

    private static string Header(string run) => run.Split('\n')[0];

    [Fact]
    public async Task A_mention_wakes_only_that_agent_which_replies_with_moltnet_send_and_resumes_its_session_next_time()
    {
        await using var h = await NodeHarness.StartAsync();
        h.WriteNodeConfig(h.Attachment("alpha", Claude(h, "alpha")), h.Attachment("beta", Codex(h, "beta")));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=beta");

        var first = await h.SendAsync("@alpha what is new?");
        var reply = await h.NextMessageFromAsync("alpha");
        Assert.Equal("alpha read 1 message(s) in run 1", NodeHarness.Text(reply));
        Assert.Equal("research", reply["message"]!["target"]!["room_id"]!.GetValue<string>());
        Assert.Empty(h.Runs("beta"));
        var alphaRun = Assert.Single(h.Runs("alpha"));
        Assert.StartsWith("mode=new session=", Header(alphaRun));
        Assert.Contains($"Channel: moltnet\nChat ID: local:room:research\nFrom: molt://local/agents/carol\nName: Carol\nMentions: molt://local/agents/alpha\nMessage ID: {first}\n\nMessage:\n@alpha what is new?\n", alphaRun);

        await h.SendAsync("@beta your turn");
        Assert.Equal("beta read 1 message(s) in run 1", NodeHarness.Text(await h.NextMessageFromAsync("beta")));
        await h.SendAsync("@alpha and again");
        Assert.Equal("alpha read 1 message(s) in run 2", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        await h.SendAsync("@beta and again");
        Assert.Equal("beta read 1 message(s) in run 2", NodeHarness.Text(await h.NextMessageFromAsync("beta")));

        // Session resume (improvements node 4): the second wake continues the first session, for both CLIs.
        var alphaSession = Header(h.Runs("alpha")[0]).Split(' ')[1];
        Assert.Equal($"mode=resume {alphaSession} prior_turns=1", Header(h.Runs("alpha")[1]));
        var betaRuns = h.Runs("beta");
        var betaSession = Header(betaRuns[0]).Split(' ')[1];
        Assert.StartsWith($"mode=resume {betaSession} prior_turns=1 codex_home={h.Home("beta")}/.codex", Header(betaRuns[1]));

        // The client config the agent used is private and scoped to it; stdout never became a message.
        var config = Path.Combine(h.Workspace("alpha"), ".moltnet", "config.json");
        Assert.Equal(TempDirectory.Private, TempDirectory.ModeOf(config));
        var attachment = JsonNode.Parse(File.ReadAllText(config))!["attachments"]![0]!;
        Assert.Equal("alpha", attachment["member_id"]!.GetValue<string>());
        Assert.Equal("alpha-secret", attachment["auth"]!["token"]!.GetValue<string>());
        using var history = await h.Admin.GetAsync("/v1/rooms/research/messages?limit=50");
        Assert.DoesNotContain("must not be published", await history.Content.ReadAsStringAsync());

        var status = await Moltnet.RunAsync(h.Dir.Combine("node"), "node", "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("attachment alpha (claude-code): connected", status.Stdout);
        Assert.Contains("attachment beta (codex): connected", status.Stdout);
        Assert.Matches(@"last wake: \S+ \S+ \(\d+s ago\) message msg_", status.Stdout);

        Assert.Equal(0, await node.TerminateAsync());
        var stopped = await Moltnet.RunAsync(h.Dir.Combine("node"), "node", "status", "--json");
        var json = JsonNode.Parse(stopped.Stdout)!;
        Assert.False(json["running"]!.GetValue<bool>());
        Assert.Equal(2, json["attachments"]![0]!["wakes"]!.GetValue<int>());
    }

    [Fact]
    public async Task Messages_arriving_while_the_runtime_is_busy_are_delivered_after_it_as_one_queued_prompt_in_order()
    {
        await using var h = await NodeHarness.StartAsync();
        h.WriteNodeConfig(h.Attachment("alpha", Claude(h, "alpha")));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");

        var hold = Path.Combine(h.Home("alpha"), "hold");
        File.WriteAllText(hold, "");
        await h.SendAsync("@alpha one");
        await NodeHarness.WaitForFileAsync(Path.Combine(h.Home("alpha"), "runs", "busy-1"), Wait);
        var two = await h.SendAsync("@alpha two");
        var three = await h.SendAsync("@alpha three");
        // Both follow-ups are accepted (ACKed → agent.wake.delivered) while run 1 still holds the conversation.
        await h.NextEventAsync("agent.wake.delivered", e => e["agent"]?["message_id"]?.GetValue<string>() == two);
        await h.NextEventAsync("agent.wake.delivered", e => e["agent"]?["message_id"]?.GetValue<string>() == three);
        Assert.Single(h.Runs("alpha"));
        File.Delete(hold);

        Assert.Equal("alpha read 1 message(s) in run 1", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        Assert.Equal("alpha read 2 message(s) in run 2", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        var batch = h.Runs("alpha")[1];
        Assert.Contains("Chat ID: local:room:research\nQueued messages: 2\n", batch);
        var i2 = batch.IndexOf($"--- Message 1/2 ---\nFrom: molt://local/agents/carol\nName: Carol\nMentions: molt://local/agents/alpha\nMessage ID: {two}\n", StringComparison.Ordinal);
        var i3 = batch.IndexOf($"--- Message 2/2 ---\nFrom: molt://local/agents/carol\nName: Carol\nMentions: molt://local/agents/alpha\nMessage ID: {three}\n", StringComparison.Ordinal);
        Assert.True(i2 >= 0 && i3 > i2, batch);
    }

    [Fact]
    public async Task A_node_restarted_while_messages_arrive_delivers_all_of_them_afterwards()
    {
        await using var h = await NodeHarness.StartAsync();
        h.WriteNodeConfig(h.Attachment("alpha", Claude(h, "alpha")));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");
        var before = await h.SendAsync("@alpha before");
        Assert.Equal("alpha read 1 message(s) in run 1", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        Assert.Equal(0, await node.TerminateAsync());
        Assert.True(File.Exists(h.Dir.Combine("node", ".moltnet", "node", "cursors", "alpha.json")));

        var down1 = await h.SendAsync("@alpha sent while the node was down");
        var down2 = await h.SendAsync("@alpha this one too");
        var again = h.StartNode();
        await again.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");
        var reply = NodeHarness.Text(await h.NextMessageFromAsync("alpha"));
        if (reply == "alpha read 1 message(s) in run 2") await h.NextMessageFromAsync("alpha");
        var afterRestart = string.Concat(h.Runs("alpha").Skip(1));
        Assert.Contains($"Message ID: {down1}\n", afterRestart);
        Assert.Contains($"Message ID: {down2}\n", afterRestart);
        Assert.DoesNotContain($"Message ID: {before}\n", afterRestart);
        Assert.True(afterRestart.IndexOf(down1, StringComparison.Ordinal) < afterRestart.IndexOf(down2, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crashing_runtime_does_not_stop_the_others_and_its_poison_event_ends_in_wake_failed_after_three_tries()
    {
        await using var h = await NodeHarness.StartAsync();
        var fake = h.Fake("agent", FakeRuntimes.Command);
        h.WriteNodeConfig(
            h.Attachment("alpha", $"{{ kind: command, command: {fake}, workspace_path: {h.Workspace("alpha")}, home_path: {h.Home("alpha")}, auto_publish: true }}"),
            h.Attachment("beta", $"{{ kind: command, command: {fake}, args: [fail], home_path: {h.Home("beta")} }}"));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=beta");

        var poison = await h.SendAsync("@alpha @beta hello both");
        var failed = await h.NextEventAsync("agent.wake.failed", e => e["agent"]?["message_id"]?.GetValue<string>() == poison);
        Assert.Equal("beta", failed["agent"]!["agent_id"]!.GetValue<string>());
        Assert.Contains("failed after 3 attempts: ", failed["agent"]!["error"]!.GetValue<string>());
        Assert.Contains("runtime crashed on " + poison, failed["agent"]!["error"]!.GetValue<string>());
        Assert.Equal(3, File.ReadAllLines(Path.Combine(h.Home("beta"), "runs", "failures")).Length);

        // alpha was unaffected: its stdout was auto-published (once) as its reply.
        var alphaReply = await h.NextMessageFromAsync("alpha");
        Assert.Equal("alpha echoes: alpha beta hello both", NodeHarness.Text(alphaReply));

        // beta reconnects past the poison event (not replayed), and keeps being woken for new messages.
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=beta", "cursor=");
        var next = await h.SendAsync("@beta second try");
        await h.NextEventAsync("agent.wake.failed", e => e["agent"]?["message_id"]?.GetValue<string>() == next);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(h.Home("beta"), "runs", "failures")).Length);
        await h.SendAsync("@alpha still there?");
        Assert.Equal("alpha echoes: alpha still there?", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        var run = h.Runs("alpha")[1];
        Assert.StartsWith("env target=room:research from=carol text=@alpha still there?\nChannel: moltnet\n", run);
        Assert.False(node.HasExited);

        var status = await Moltnet.RunAsync(h.Dir.Combine("node"), "node", "status");
        Assert.Contains("attachment beta (command):", status.Stdout);
        Assert.Contains("failed 2", status.Stdout);
    }

    [Fact]
    public async Task Preflight_failures_stop_the_node_before_any_runtime_is_touched()
    {
        await using var h = await NodeHarness.StartAsync();
        h.Dir.Write("node/MoltnetNode", $$"""
            version: moltnet.node.v1
            moltnet: { base_url: {{h.Server.Url}}, network_id: elsewhere }
            attachments:
            {{h.Attachment("alpha", Claude(h, "alpha"))}}
            """);
        var result = await Moltnet.RunAsync(h.Dir.Combine("node"), "node", "start");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"attachment alpha: moltnet compatibility check failed for {h.Server.Url}/v1/network: network id mismatch: expected \"elsewhere\", reported \"local\"", result.Stderr);
        Assert.Empty(h.Runs("alpha"));
        Assert.False(File.Exists(Path.Combine(h.Workspace("alpha"), ".moltnet", "config.json")));
    }
}
