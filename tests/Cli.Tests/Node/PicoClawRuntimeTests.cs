using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Moltnet.Cli.Tests.Node;

/// <summary><c>picoclaw</c>: events mode against a fake pico WebSocket channel, command mode against a fake
/// <c>picoclaw</c> executable that appends tool calls to its session transcript.</summary>
public sealed class PicoClawRuntimeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Fake <c>picoclaw agent --session K --message M</c>: records argv and env under <c>$HOME/runs</c>, then appends
    /// to <c>$PICOCLAW_HOME/workspace/sessions/&lt;K with : → _&gt;.jsonl</c> a user line and an assistant line whose tool calls
    /// are: message to the current chat (string arguments), message to <c>local:room:research</c> (object arguments), and
    /// three that must not be published (telegram channel, a DM that is not the current one, a non-message tool).</summary>
    private const string FakePicoClaw = """
        #!/bin/bash
        set -eu
        [ "$1" = agent ] && [ "$2" = --session ] && [ "$4" = --message ] || { echo "bad argv: $*" >&2; exit 2; }
        key="$3"; prompt="$5"
        mkdir -p "$HOME/runs"
        n=$(ls "$HOME/runs" | wc -l); n=$((n + 1))
        { echo "session=$key config=$PICOCLAW_CONFIG codex_home=$CODEX_HOME"; printf '%s\n' "$prompt"; } > "$HOME/runs/run-$n.txt"
        id=$(printf '%s\n' "$prompt" | sed -n 's/^Message ID: //p' | head -n 1)
        file="$PICOCLAW_HOME/workspace/sessions/$(printf '%s' "$key" | tr ':/' '__').jsonl"
        mkdir -p "$(dirname "$file")"
        echo "{\"role\":\"user\",\"content\":\"wake $id\"}" >> "$file"
        echo "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"message\",\"arguments\":\"{\\\"channel\\\":\\\"\\\",\\\"chat_id\\\":\\\"\\\",\\\"content\\\":\\\"current $id\\\"}\"}},{\"id\":\"c2\",\"name\":\"message\",\"arguments\":{\"channel\":\"moltnet\",\"chat_id\":\"local:room:research\",\"content\":\"room $id\"}},{\"id\":\"c3\",\"name\":\"message\",\"arguments\":{\"channel\":\"telegram\",\"chat_id\":\"\",\"content\":\"telegram $id\"}},{\"id\":\"c4\",\"name\":\"message\",\"arguments\":{\"chat_id\":\"dm:someone-else\",\"content\":\"dm $id\"}},{\"id\":\"c5\",\"name\":\"exec\",\"arguments\":{\"content\":\"exec $id\"}}]}" >> "$file"
        echo "assistant stdout is never published"
        """;

    [Fact]
    public async Task Command_mode_runs_picoclaw_agent_and_publishes_only_the_new_message_tool_calls_for_moltnet()
    {
        await using var h = await NodeHarness.StartAsync();
        var fake = h.Fake("picoclaw", FakePicoClaw);
        var config = h.Dir.Write("picoclaw/config.json", "{}");
        h.WriteNodeConfig(h.Attachment("alpha", $"{{ kind: picoclaw, command: {fake}, config_path: {config}, home_path: {h.Home("alpha")} }}", wake: "all"));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");

        var first = await h.SendAsync("first for picoclaw");
        Assert.Equal($"current {first}", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        Assert.Equal($"room {first}", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        var second = await h.SendAsync("second for picoclaw");
        Assert.Equal($"current {second}", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        Assert.Equal($"room {second}", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));

        // No bootstrap run in command mode; argv, env and prompt as the spec says.
        var runs = h.Runs("alpha");
        Assert.Equal(2, runs.Length);
        Assert.Equal($"session=agent:alpha:local:room:research config={config} codex_home={h.Home("alpha")}/.codex", runs[0].Split('\n')[0]);
        Assert.Contains($"Message ID: {first}\n\nMessage:\nfirst for picoclaw\n", runs[0]);

        using var history = await h.Admin.GetAsync("/v1/rooms/research/messages?limit=50");
        var messages = JsonNode.Parse(await history.Content.ReadAsStringAsync())!["messages"]!.AsArray();
        var fromAlpha = messages.Where(m => m!["from"]!["id"]!.GetValue<string>() == "alpha").Select(m => m!["parts"]![0]!["text"]!.GetValue<string>()).ToList();
        Assert.Equal(4, fromAlpha.Count);
        Assert.DoesNotContain(fromAlpha, t => t.StartsWith("telegram", StringComparison.Ordinal) || t.StartsWith("dm ", StringComparison.Ordinal) || t.StartsWith("exec", StringComparison.Ordinal) || t.Contains("stdout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_mode_bootstraps_before_attaching_and_sends_each_wake_as_a_message_send_frame()
    {
        await using var h = await NodeHarness.StartAsync();
        var seen = Channel.CreateUnbounded<(string? Query, string? Token, string? Auth, string? Protocol, JsonObject Frame)>();
        await using var pico = new FakeWebSocketServer(async c =>
        {
            var frame = await c.ReceiveAsync();
            await seen.Writer.WriteAsync((c.Query["session_id"], c.Query["token"], c.Authorization, c.SubProtocol, frame!));
            Assert.Null(await c.ReceiveAsync());
        }, request => request.Headers["Sec-WebSocket-Protocol"]);
        h.WriteNodeConfig(h.Attachment("alpha", $"{{ kind: picoclaw, events_url: {pico.Url}pico/ws, token: pico-tok }}", wake: "all"));
        var node = h.StartNode();
        using var timeout = new CancellationTokenSource(Wait);

        var boot = await seen.Reader.ReadAsync(timeout.Token);
        Assert.Equal("agent:alpha:local:room:research", boot.Query);
        Assert.Equal("pico-tok", boot.Token);
        Assert.Equal("Bearer pico-tok", boot.Auth);
        Assert.Equal("token.pico-tok", boot.Protocol);
        Assert.Equal("""{"type":"message.send","session_id":"agent:alpha:local:room:research","payload":{"content":"Channel: moltnet\nChat ID: local:room:research\n\nThis Moltnet conversation is now attached to you; use the moltnet skill to read it and to speak in it.\n"}}""",
            boot.Frame.ToJsonString());

        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");
        var id = await h.SendAsync("hello pico");
        var wake = await seen.Reader.ReadAsync(timeout.Token);
        Assert.Equal("message.send", wake.Frame["type"]!.GetValue<string>());
        Assert.Equal("agent:alpha:local:room:research", wake.Frame["session_id"]!.GetValue<string>());
        Assert.Equal($"Channel: moltnet\nChat ID: local:room:research\nFrom: molt://local/agents/carol\nName: Carol\nMessage ID: {id}\n\nMessage:\nhello pico\n",
            wake.Frame["payload"]!["content"]!.GetValue<string>());
        await node.WaitForLogAsync(Wait, "msg=\"woke runtime\"", $"message={id}");
    }
}
