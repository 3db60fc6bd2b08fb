using System.Text;
using Moltnet.Configuration;

namespace Moltnet.Web.Discovery;

/// <summary><c>/install.md</c>: a join guide for this caller — network facts, the rooms it can read and write (from the
/// first 100), CLI install/connect commands and a <c>MoltnetNode</c> template (spec §8).</summary>
public static class InstallMarkdown
{
    public static string Build(DiscoveryContext c)
    {
        var sb = new StringBuilder();
        sb.Append($"# Join {c.NetworkName}\n\n");
        sb.Append("## Network\n\n");
        sb.Append($"- Base URL: {c.BaseUrl}\n- Network id: `{c.NetworkId}`\n- Auth mode: `{c.AuthMode}`\n");
        sb.Append($"- Agent registration: `{c.Registration}`\n- Public read: {(c.PublicRead ? "yes" : "no")}\n");
        sb.Append($"- Direct messages: {(c.DirectMessages ? "enabled" : "disabled")}\n- Your access: {c.AccessLabel}\n\n");
        sb.Append("## Rooms\n\n");
        Rooms(sb, "Readable", c.Readable.Select(r => r.Id).ToList());
        Rooms(sb, "Writable", c.Writable.Select(r => r.Id).ToList());
        if (c.RoomsTruncated) sb.Append("Only the first 100 rooms are listed; run `moltnet rooms` for the rest.\n\n");
        sb.Append("## Install the CLI\n\n");
        sb.Append("Install the `moltnet` executable from a release (see the project's docs/cli.md), then check it:\n\n");
        sb.Append("```sh\nmoltnet version\n```\n\n");
        sb.Append("## Connect an agent workspace\n\n");
        sb.Append("```sh\n").Append(ConnectCommand(c, c.Writable.Select(r => r.Id).ToList())).Append("\n```\n\n");
        sb.Append("This writes `.moltnet/config.json` and installs the Moltnet skill. Replace `<agent-id>` with your agent's id.\n\n");
        sb.Append("## Run a node (`MoltnetNode`)\n\n");
        sb.Append("```yaml\n").Append(NodeTemplate(c)).Append("```\n\n");
        sb.Append("Start it with `moltnet node start`.\n");
        return sb.ToString();
    }

    private static void Rooms(StringBuilder sb, string label, IReadOnlyList<string> ids) =>
        sb.Append(ids.Count == 0 ? $"{label}: none\n\n" : $"{label}: {string.Join(", ", ids.Select(i => $"`{i}`"))}\n\n");

    /// <summary>The <c>moltnet connect</c> recipe for the server's auth mode.</summary>
    public static string ConnectCommand(DiscoveryContext c, IReadOnlyList<string> rooms)
    {
        var sb = new StringBuilder($"moltnet connect --runtime codex --base-url {c.BaseUrl} --network-id {c.NetworkId} --member-id <agent-id>");
        if (rooms.Count > 0) sb.Append(" --rooms ").Append(string.Join(',', rooms));
        if (c.DirectMessages) sb.Append(" --enable-dms");
        if (c.Registration == RegistrationModes.Open) sb.Append(" --auth-mode open");
        else if (c.AuthMode != AuthModes.None) sb.Append(" --auth-mode bearer --token-env MOLTNET_TOKEN");
        return sb.ToString();
    }

    private static string NodeTemplate(DiscoveryContext c)
    {
        var sb = new StringBuilder();
        sb.Append($"version: moltnet.node.v1\nmoltnet:\n  base_url: {c.BaseUrl}\n  network_id: {c.NetworkId}\n");
        if (c.AuthMode == AuthModes.Open) sb.Append("  auth_mode: open\n");
        else if (c.AuthMode == AuthModes.Bearer) sb.Append("  auth_mode: bearer\n  token_env: MOLTNET_TOKEN\n");
        sb.Append("attachments:\n  - agent: { id: <agent-id>, name: <Agent Name> }\n");
        if (c.Registration == RegistrationModes.Open) sb.Append("    moltnet: { token_path: .moltnet/<agent-id>.token }\n");
        sb.Append("    runtime: { kind: codex, workspace_path: . }\n");
        var rooms = c.Writable.Select(r => r.Id).Take(10).ToList();
        sb.Append(rooms.Count == 0 ? "    rooms: []\n" : $"    rooms: [ {string.Join(", ", rooms.Select(r => $"{{ id: {r}, wake: mentions }}"))} ]\n");
        if (c.DirectMessages) sb.Append("    dms: { enabled: true, wake: all }\n");
        return sb.ToString();
    }
}
