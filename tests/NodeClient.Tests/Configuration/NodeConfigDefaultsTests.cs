using Moltnet.NodeClient.Configuration;

namespace Moltnet.NodeClient.Tests.Configuration;

/// <summary>node-and-cli checklist item 11: runtime defaults applied on load.</summary>
public sealed class NodeConfigDefaultsTests
{
    private static NodeRuntime Runtime(string runtimeYaml, string agent = "{ id: alpha, name: Alpha }") =>
        NodeKit.Load(NodeKit.WithAttachments($"  - agent: {agent}\n    runtime: {runtimeYaml}\n")).Attachments.Single().Runtime;

    [Fact]
    public void Item11_openclaw_gets_the_local_gateway() =>
        Assert.Equal("ws://127.0.0.1:18789", Runtime("{ kind: openclaw }").GatewayUrl);

    [Fact]
    public void Item11_openclaw_keeps_a_given_gateway() =>
        Assert.Equal("wss://gw.example/ws", Runtime("{ kind: openclaw, gateway_url: \"wss://gw.example/ws\" }").GatewayUrl);

    [Fact]
    public void Item11_picoclaw_without_seams_gets_the_events_url()
    {
        var rt = Runtime("{ kind: picoclaw }");
        Assert.Equal(("ws://127.0.0.1:18990/pico/ws", ""), (rt.EventsUrl, rt.Command));
    }

    [Fact]
    public void Item11_picoclaw_with_config_path_gets_the_picoclaw_command()
    {
        var rt = Runtime("{ kind: picoclaw, config_path: /etc/pico.json }");
        Assert.Equal(("picoclaw", ""), (rt.Command, rt.EventsUrl));
    }

    [Fact]
    public void Item11_picoclaw_with_control_url_gets_no_events_url()
    {
        var rt = Runtime("{ kind: picoclaw, control_url: \"http://127.0.0.1:9\" }");
        Assert.Equal(("", ""), (rt.EventsUrl, rt.Command));
    }

    [Fact]
    public void Item11_tinyclaw_gets_the_local_queue_urls_and_channel()
    {
        var rt = Runtime("{ kind: tinyclaw }");

        Assert.Equal("moltnet", rt.Channel);
        Assert.Equal("http://127.0.0.1:3777/api/message", rt.InboundUrl);
        Assert.Equal("http://127.0.0.1:3777/api/responses/pending?channel=moltnet", rt.OutboundUrl);
        Assert.Equal("http://127.0.0.1:3777/api/responses", rt.AckUrl);
    }

    [Fact]
    public void Item11_tinyclaw_custom_host_and_channel_propagate()
    {
        var rt = Runtime("{ kind: tinyclaw, channel: \"team a\", inbound_url: \"https://tiny.example:9000/custom/in\" }");

        Assert.Equal("https://tiny.example:9000/custom/in", rt.InboundUrl);
        Assert.Equal("https://tiny.example:9000/api/responses/pending?channel=team%20a", rt.OutboundUrl);
        Assert.Equal("https://tiny.example:9000/api/responses", rt.AckUrl);
    }

    [Fact]
    public void Item11_tinyclaw_with_control_url_gets_no_queue_defaults()
    {
        var rt = Runtime("{ kind: tinyclaw, control_url: \"http://127.0.0.1:9\" }");
        Assert.Equal(("", "", "", ""), (rt.Channel, rt.InboundUrl, rt.OutboundUrl, rt.AckUrl));
    }

    [Fact]
    public void Item11_codex_and_claude_get_their_commands_and_session_store()
    {
        var codex = Runtime("{ kind: codex, workspace_path: /ws }");
        Assert.Equal(("codex", "/ws/.moltnet/sessions.json"), (codex.Command, codex.SessionStorePath));

        var claude = Runtime("{ kind: claude-code, workspace_path: /ws, command: /opt/claude, session_store_path: /s.json }");
        Assert.Equal(("/opt/claude", "/s.json"), (claude.Command, claude.SessionStorePath));
        Assert.Equal("claude", Runtime("{ kind: claude-code, workspace_path: /ws }").Command);
    }

    [Fact]
    public void Agent_name_defaults_to_the_id()
    {
        var a = NodeKit.Load(NodeKit.WithAttachments("  - agent: { id: alpha }\n    runtime: { kind: openclaw }\n")).Attachments.Single();
        Assert.Equal("alpha", a.Agent.Name);
    }

    [Fact]
    public void An_empty_attachment_list_is_valid()
    {
        var node = NodeKit.Load(NodeKit.Shared + "attachments: []\n");
        Assert.Empty(node.Attachments);
        Assert.Equal(("http://127.0.0.1:8787", "local"), (node.Moltnet.BaseUrl, node.Moltnet.NetworkId));
    }
}
