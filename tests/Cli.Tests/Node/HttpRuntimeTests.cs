using System.Text.Json.Nodes;

namespace Moltnet.Cli.Tests.Node;

/// <summary>The HTTP runtimes against real fake endpoints: <c>webhook</c> with auto_publish, and <c>pi</c>'s control loop.</summary>
public sealed class HttpRuntimeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Webhook_and_pi_runtimes_receive_the_wake_and_their_answers_are_published_as_the_agents()
    {
        await using var h = await NodeHarness.StartAsync();
        await using var webhook = new FakeHttpRuntime(body => new JsonObject { ["reply"] = "webhook saw " + body["message"]!["id"]!.GetValue<string>() });
        await using var pi = new FakeHttpRuntime(body => new JsonObject { ["from"] = "beta", ["message"] = "pi answers " + body["from"]!.GetValue<string>() });
        h.WriteNodeConfig(
            h.Attachment("alpha", $"{{ kind: webhook, url: {webhook.Url}, token: hook-secret, auto_publish: true }}"),
            h.Attachment("beta", $"{{ kind: pi, control_url: {pi.Url}, token: pi-secret }}"));
        var node = h.StartNode();
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=alpha");
        await node.WaitForLogAsync(Wait, "msg=attached", "agent=beta");

        var id = await h.SendAsync("@alpha @beta status please");
        Assert.Equal($"webhook saw {id}", NodeHarness.Text(await h.NextMessageFromAsync("alpha")));
        Assert.Equal("pi answers Carol", NodeHarness.Text(await h.NextMessageFromAsync("beta")));

        var (hookAuth, hook) = await webhook.NextRequestAsync(Wait);
        Assert.Equal("Bearer hook-secret", hookAuth);
        Assert.Equal("alpha", hook["agent_id"]!.GetValue<string>());
        Assert.Equal("moltnet:local:room:research", hook["context_id"]!.GetValue<string>());
        Assert.Equal("local:room:research", hook["session_key"]!.GetValue<string>());
        Assert.Contains($"Message ID: {id}\n\nMessage:\n@alpha @beta status please\n", hook["prompt"]!.GetValue<string>());

        var (piAuth, control) = await pi.NextRequestAsync(Wait);
        Assert.Equal("Bearer pi-secret", piAuth);
        Assert.Equal("""{"context_id":"moltnet:local:room:research","from":"Carol","message":"[room research] Carol\n@alpha @beta status please","to":"beta"}""",
            control.ToJsonString());
    }
}
