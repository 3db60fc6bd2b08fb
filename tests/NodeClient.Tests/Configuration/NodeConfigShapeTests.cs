using Moltnet.NodeClient.Configuration;
using Moltnet.TestSupport;

namespace Moltnet.NodeClient.Tests.Configuration;

/// <summary>node-and-cli checklist items 5–10 and §1.1 discovery.</summary>
public sealed class NodeConfigShapeTests
{
    private const string Openclaw = "  - agent: { id: alpha }\n    runtime: { kind: openclaw }\n";

    [Fact]
    public void Item05_unknown_keys_in_yaml_are_rejected_with_their_path()
    {
        var ex = NodeKit.Fail(NodeKit.WithAttachments("  - agent: { id: alpha, role: x }\n    runtime: { kind: openclaw, colour: red }\n") + "extra: 1\n");

        NodeKit.HasError(ex, "MoltnetNode: attachments[0].agent.role: unknown key");
        NodeKit.HasError(ex, "MoltnetNode: attachments[0].runtime.colour: unknown key");
        NodeKit.HasError(ex, "MoltnetNode: extra: unknown key");
    }

    [Fact]
    public void Item05_unknown_keys_in_json_are_rejected_with_their_path()
    {
        var ex = NodeKit.Fail("""
            {"moltnet": {"base_url": "http://h", "network_id": "n", "region": "eu"},
             "attachments": [{"agent": {"id": "a"}, "runtime": {"kind": "pi", "control_url": "http://pi"}, "moltnet": {"base_url": "http://x"}}]}
            """, fileName: "moltnet-node.json");

        NodeKit.HasError(ex, "moltnet-node.json: moltnet.region: unknown key");
        NodeKit.HasError(ex, "moltnet-node.json: attachments[0].moltnet.base_url: unknown key");
    }

    [Fact]
    public void Item05_version_must_be_v1_when_present()
    {
        NodeKit.HasError(NodeKit.Fail("version: moltnet.node.v2\n" + NodeKit.Shared), "version: must be moltnet.node.v1 (got \"moltnet.node.v2\")");
        Assert.Equal(MoltnetNode.CurrentVersion, NodeKit.Load(NodeKit.Shared).Version);
        Assert.Equal(MoltnetNode.CurrentVersion, NodeKit.Load("version: moltnet.node.v1\n" + NodeKit.Shared).Version);
    }

    [Fact]
    public void Item06_missing_base_url_and_network_id_are_rejected()
    {
        var ex = NodeKit.Fail("moltnet: {}\n");
        NodeKit.HasError(ex, "MoltnetNode: moltnet.base_url: required");
        NodeKit.HasError(ex, "MoltnetNode: moltnet.network_id: required");
    }

    [Fact]
    public void Item06_duplicate_agent_ids_are_rejected()
    {
        var ex = NodeKit.Fail(NodeKit.WithAttachments(Openclaw + Openclaw));
        NodeKit.HasError(ex, "MoltnetNode: attachments[1]: agent.id: duplicate agent id \"alpha\" (also attachments[0])");
    }

    [Fact]
    public void Item06_missing_agent_id_is_rejected()
    {
        var ex = NodeKit.Fail(NodeKit.WithAttachments("  - runtime: { kind: openclaw }\n"));
        NodeKit.HasError(ex, "MoltnetNode: attachments[0]: agent.id: required");
    }

    [Fact]
    public void Item06_unsupported_runtime_kind_is_rejected()
    {
        var ex = NodeKit.Fail(NodeKit.WithAttachments("  - agent: { id: a }\n    runtime: { kind: gpt }\n  - agent: { id: b }\n"));
        NodeKit.HasError(ex, "attachments[0]: runtime.kind: unsupported runtime kind \"gpt\"");
        NodeKit.HasError(ex, "attachments[1]: runtime.kind: required");
    }

    [Theory]
    [InlineData("    rooms: [ { id: research, wake: sometimes } ]\n", "attachments[0]: rooms[0].wake: must be one of all, mentions, thread_only, never (got \"sometimes\")")]
    [InlineData("    rooms: [ { id: a }, { id: b, wake: Mentions } ]\n", "attachments[0]: rooms[1].wake: must be one of")]
    [InlineData("    dms: { enabled: true, wake: loud }\n", "attachments[0]: dms.wake: must be one of all, mentions, thread_only, never (got \"loud\")")]
    public void Item07_unknown_wake_values_are_rejected_naming_the_field(string extra, string expected) =>
        NodeKit.HasError(NodeKit.Fail(NodeKit.WithAttachments(Openclaw + extra)), expected);

    [Fact]
    public void Item07_wake_defaults_and_dms_off_when_omitted()
    {
        var a = NodeKit.Load(NodeKit.WithAttachments(Openclaw + "    rooms: [ { id: r1 }, { id: r2, wake: thread_only } ]\n")).Attachments.Single();

        Assert.Equal([WakeModes.All, WakeModes.ThreadOnly], a.Rooms.Select(r => r.Wake));
        Assert.False(a.Dms.Enabled);
        var dm = NodeKit.Load(NodeKit.WithAttachments(Openclaw + "    dms: { enabled: true }\n")).Attachments.Single().Dms;
        Assert.Equal((true, WakeModes.All), (dm.Enabled, dm.Wake));
    }

    [Theory]
    [InlineData("tinyclaw", "gateway_url: ws://g", "runtime.gateway_url: only valid for runtime kind openclaw (this is tinyclaw)")]
    [InlineData("openclaw", "control_url: http://c", "runtime.control_url: not valid for runtime kind openclaw; use gateway_url")]
    [InlineData("codex", "events_url: ws://e, workspace_path: /w", "runtime.events_url: only valid for runtime kind picoclaw (this is codex)")]
    [InlineData("picoclaw", "inbound_url: http://i", "runtime.inbound_url: only valid for runtime kind tinyclaw (this is picoclaw)")]
    [InlineData("pi", "control_url: http://c, command: pi", "runtime.command: only valid for runtime kind picoclaw, codex, claude-code, command (this is pi)")]
    [InlineData("codex", "config_path: /c, workspace_path: /w", "runtime.config_path: only valid for runtime kind picoclaw (this is codex)")]
    [InlineData("codex", "control_url: http://c, workspace_path: /w", "runtime.control_url: only valid for runtime kind picoclaw, tinyclaw, pi (this is codex)")]
    public void Item08_seam_fields_on_the_wrong_kind_are_rejected(string kind, string fields, string expected) =>
        NodeKit.HasError(NodeKit.Fail(NodeKit.WithAttachments($"  - agent: {{ id: a }}\n    runtime: {{ kind: {kind}, {fields} }}\n")), "attachments[0]: " + expected);

    [Theory]
    [InlineData("picoclaw", "command: /bin/pico", "runtime.config_path: required when runtime.command is set for picoclaw")]
    [InlineData("codex", "command: codex", "runtime.workspace_path: required for runtime kind codex")]
    [InlineData("claude-code", "home_path: /h", "runtime.workspace_path: required for runtime kind claude-code")]
    [InlineData("pi", "home_path: /h", "runtime.control_url: required for runtime kind pi")]
    public void Item09_required_companions_are_enforced(string kind, string fields, string expected) =>
        NodeKit.HasError(NodeKit.Fail(NodeKit.WithAttachments($"  - agent: {{ id: a }}\n    runtime: {{ kind: {kind}, {fields} }}\n")), "attachments[0]: " + expected);

    [Theory]
    [InlineData("openclaw", "gateway_url: http://g", "runtime.gateway_url: must be a ws or wss URL with a host (got \"http://g\")")]
    [InlineData("picoclaw", "events_url: \"ws:///path\"", "runtime.events_url: must be a ws or wss URL with a host (got \"ws:///path\")")]
    [InlineData("pi", "control_url: ws://c", "runtime.control_url: must be a http or https URL with a host (got \"ws://c\")")]
    [InlineData("tinyclaw", "ack_url: localhost", "runtime.ack_url: must be a http or https URL with a host (got \"localhost\")")]
    public void Item10_wrong_url_scheme_or_missing_host_is_rejected(string kind, string fields, string expected) =>
        NodeKit.HasError(NodeKit.Fail(NodeKit.WithAttachments($"  - agent: {{ id: a }}\n    runtime: {{ kind: {kind}, {fields} }}\n")), "attachments[0]: " + expected);

    [Theory]
    [InlineData("ftp://server")]
    [InlineData("http://")]
    [InlineData("127.0.0.1:8787")]
    public void Item10_base_url_must_be_http_with_a_host(string url) =>
        NodeKit.HasError(NodeKit.Fail($"moltnet: {{ base_url: \"{url}\", network_id: n }}\n"), $"moltnet.base_url: must be an http or https URL with a host (got \"{url}\")");

    [Fact]
    public void Discovery_follows_the_spec_order_and_MOLTNET_NODE_CONFIG()
    {
        using var dir = new TempDirectory();
        var noEnv = NodeKit.Env(null);
        Assert.Equal(["MoltnetNode config not found"], Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(null, dir.Path, noEnv)).Errors);

        dir.Write("moltnet-node.json", """{"moltnet": {"base_url": "http://h", "network_id": "json"}}""");
        Assert.Equal("json", NodeConfigLoader.Load(null, dir.Path, noEnv).Moltnet.NetworkId);
        dir.Write("moltnet-node.yml", "moltnet: { base_url: http://h, network_id: yml }");
        Assert.Equal("yml", NodeConfigLoader.Load(null, dir.Path, noEnv).Moltnet.NetworkId);
        dir.Write("moltnet-node.yaml", "moltnet: { base_url: http://h, network_id: yaml }");
        Assert.Equal("yaml", NodeConfigLoader.Load(null, dir.Path, noEnv).Moltnet.NetworkId);
        dir.Write("MoltnetNode", "moltnet: { base_url: http://h, network_id: plain }");
        Assert.Equal("plain", NodeConfigLoader.Load(null, dir.Path, noEnv).Moltnet.NetworkId);

        dir.Write("elsewhere/node.yaml", "moltnet: { base_url: http://h, network_id: env }");
        var env = NodeKit.Env(new Dictionary<string, string?> { ["MOLTNET_NODE_CONFIG"] = "elsewhere/node.yaml" });
        Assert.Equal("env", NodeConfigLoader.Load(null, dir.Path, env).Moltnet.NetworkId);
        Assert.Equal("plain", NodeConfigLoader.Load("MoltnetNode", dir.Path, env).Moltnet.NetworkId);
    }

    [Fact]
    public void A_directory_is_not_a_config_file()
    {
        using var dir = new TempDirectory();
        var ex = Assert.Throws<NodeConfigException>(() => NodeConfigLoader.Load(dir.Path, dir.Path, NodeKit.Env(null)));
        Assert.EndsWith("is a directory, expected a config file", ex.Errors.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_are_all_reported_in_the_spec_order()
    {
        var ex = NodeKit.Fail("version: x\nmoltnet: { base_url: nope }\nattachments:\n  - runtime: { kind: pi }\n");

        Assert.Equal(
        [
            "MoltnetNode: version: must be moltnet.node.v1 (got \"x\")",
            "MoltnetNode: moltnet.base_url: must be an http or https URL with a host (got \"nope\")",
            "MoltnetNode: moltnet.network_id: required",
            "MoltnetNode: attachments[0]: agent.id: required",
            "MoltnetNode: attachments[0]: runtime.control_url: required for runtime kind pi",
        ], ex.Errors);
    }
}
