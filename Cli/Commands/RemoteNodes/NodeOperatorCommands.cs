using System.CommandLine;
using System.Text.Json.Nodes;
using Moltnet.Cli.Client;

namespace Moltnet.Cli.Commands.RemoteNodes;

/// <summary>Operator and agent commands against the server: <c>generate-token</c>, <c>list</c>, <c>describe</c>,
/// <c>select</c>, <c>revoke</c>. They take the usual client flags (<c>--base-url</c>, <c>--token</c>, …).</summary>
internal static class NodeOperatorCommands
{
    public static Command GenerateToken()
    {
        var name = new Option<string?>("--name") { Description = "Display name of the new node" };
        var nodeId = new Option<string?>("--node-id") { Description = "Node id (default: a new UUID)" };
        var command = new Command("generate-token", "Create a node and its device token (admin); the token is shown once.") { name, nodeId };
        var client = new ClientOptions().AddTo(command, selection: false);
        command.SetClientAction(async (parse, io, ct) =>
        {
            using var conn = client.Resolve(parse, requireConfig: false);
            var body = new JsonObject { ["name"] = parse.GetValue(name), ["node_id"] = parse.GetValue(nodeId) };
            var created = await conn.Http.PostAsync("/v1/nodes/tokens", body, ct) ?? throw new CliException("empty answer");
            var token = (string)created["device_token"]!;
            var id = (string)created["node_id"]!;
            var add = $"moltnet node add --host {GatewayUrl(conn.Http.BaseUrl)} --token {token} --node-id {id}"
                + (parse.GetValue(name) is { } n ? $" --name '{n.Replace("'", "'\\''", StringComparison.Ordinal)}'" : "");
            if (conn.Json)
            {
                created["add_command"] = add;
                io.Json(created, true);
                return 0;
            }
            io.Out.WriteLine($"Device token: {token}");
            io.Out.WriteLine($"Node id: {id}");
            io.Out.WriteLine("The token is shown only once; it cannot be retrieved later. On the node machine run:");
            io.Out.WriteLine();
            io.Out.WriteLine("  " + add);
            return 0;
        });
        return command;
    }

    /// <summary>The node gateway URL for a server URL: http → ws, https → wss, path <c>/ws</c>.</summary>
    public static string GatewayUrl(string baseUrl)
    {
        var uri = new Uri(baseUrl);
        var b = new UriBuilder(uri) { Scheme = uri.Scheme == "https" ? "wss" : "ws", Path = uri.AbsolutePath.TrimEnd('/') + "/ws" };
        if (uri.IsDefaultPort) b.Port = -1;
        return b.Uri.ToString();
    }

    public static Command List()
    {
        var command = new Command("list", "List the remote nodes, online or not.");
        var client = new ClientOptions().AddTo(command, selection: false);
        command.SetClientAction(async (parse, io, ct) =>
        {
            using var conn = client.Resolve(parse, requireConfig: false);
            var list = await conn.Http.GetAsync("/v1/nodes", ct);
            if (conn.Json)
            {
                io.Json(list, true);
                return 0;
            }
            var nodes = list?["nodes"]?.AsArray() ?? [];
            if (nodes.Count == 0) io.Out.WriteLine("No nodes connected.");
            foreach (var n in nodes)
            {
                var state = n!["revoked"]?.GetValue<bool>() == true ? "revoked" : n["connected"]?.GetValue<bool>() == true ? "online" : "offline";
                io.Out.WriteLine($"{n["node_id"]}  {n["display_name"] ?? "-"}  ({n["platform"] ?? "unknown"})  {state}"
                    + (n["last_seen_at"] is { } seen ? $"  last seen {seen}" : ""));
            }
            return 0;
        });
        return command;
    }

    public static Command Describe()
    {
        var node = new Argument<string>("node") { Description = "Node id or display name" };
        var command = new Command("describe", "Show one node: state, telemetry and its own exec policy.") { node };
        var client = new ClientOptions().AddTo(command, selection: false);
        command.SetClientAction(async (parse, io, ct) =>
        {
            using var conn = client.Resolve(parse, requireConfig: false);
            io.Json(await conn.Http.GetAsync("/v1/nodes/" + Uri.EscapeDataString(parse.GetValue(node)!), ct), conn.Json);
            return 0;
        });
        return command;
    }

    public static Command Select()
    {
        var conversation = new Option<string>("--conversation") { Description = "room:<id>, thread:<id> or dm:<id>", Required = true };
        var node = new Option<string?>("--node") { Description = "Node id or name that exec from this conversation uses" };
        var clear = new Option<bool>("--clear") { Description = "Remove the conversation's node selection" };
        var command = new Command("select", "Select the node that exec from a conversation runs on.") { conversation, node, clear };
        var client = new ClientOptions().AddTo(command, selection: false);
        command.SetClientAction(async (parse, io, ct) =>
        {
            if (parse.GetValue(clear) == (parse.GetValue(node) is not null))
                throw new CliException("pass exactly one of --node or --clear");
            using var conn = client.Resolve(parse, requireConfig: false);
            var body = new JsonObject { ["conversation_id"] = parse.GetValue(conversation), ["node_id"] = parse.GetValue(node) };
            io.Json(await conn.Http.SendAsync(HttpMethod.Put, "/v1/nodes/selection", body, ct), conn.Json);
            return 0;
        });
        return command;
    }

    public static Command Revoke()
    {
        var node = new Argument<string>("node") { Description = "Node id or display name" };
        var command = new Command("revoke", "Revoke a node's device token (admin): it is disconnected at once.") { node };
        var client = new ClientOptions().AddTo(command, selection: false);
        command.SetClientAction(async (parse, io, ct) =>
        {
            using var conn = client.Resolve(parse, requireConfig: false);
            io.Json(await conn.Http.PostAsync("/v1/nodes/" + Uri.EscapeDataString(parse.GetValue(node)!) + "/revoke", new JsonObject(), ct), conn.Json);
            return 0;
        });
        return command;
    }
}
