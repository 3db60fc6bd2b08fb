using System.Text.Json;
using System.Text.Json.Nodes;
using Moltnet.Configuration;
using Moltnet.NodeClient.Configuration;
using Moltnet.NodeClient.Daemon;

namespace Moltnet.NodeClient.Runtimes;

/// <summary>
/// Upserts the attachment into <c>&lt;workspace&gt;/.moltnet/config.json</c> (<c>moltnet.client.v1</c>, spec node-and-cli
/// §1.4) so the agent's <c>moltnet send</c> speaks as this agent: base URL, ids, rooms and wakes, DMs, auth mode and — when
/// the mode needs one — the token. The file is 0600 in a 0700 directory; other attachments in it are kept.
/// </summary>
public static class ClientConfigWriter
{
    private static readonly Lock Gate = new();

    public static string Upsert(string workspace, NodeAttachment a, string baseUrl, string networkId, string? token)
    {
        var path = Path.Combine(workspace, ".moltnet", "config.json");
        lock (Gate)
        {
            var root = Load(path);
            root["version"] = "moltnet.client.v1";
            root["agent"] ??= new JsonObject { ["name"] = a.Agent.Name, ["runtime"] = a.Runtime.Kind };
            var list = root["attachments"] as JsonArray ?? [];
            root["attachments"] = list;
            var entry = Entry(a, baseUrl, networkId, token);
            var index = list.Select((n, i) => (n, i)).FirstOrDefault(x =>
                x.n?["network_id"]?.GetValue<string>() == networkId && x.n?["member_id"]?.GetValue<string>() == a.Agent.Id).n is { } existing
                ? list.IndexOf(existing) : -1;
            if (index >= 0) list[index] = entry;
            else list.Add(entry);
            StateFiles.WritePrivate(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        return path;
    }

    private static JsonObject Load(string path)
    {
        if (StateFiles.ReadOrNull(path) is not { } text) return [];
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static JsonObject Entry(NodeAttachment a, string baseUrl, string networkId, string? token)
    {
        var auth = new JsonObject { ["mode"] = a.Credentials.AuthMode };
        if (a.Credentials.Registration.Length > 0) auth["registration"] = a.Credentials.Registration;
        if (a.Credentials.AuthMode != AuthModes.None && token is not null) auth["token"] = token;
        var rooms = new JsonArray(a.Rooms.Select(r => (JsonNode)new JsonObject { ["id"] = r.Id, ["wake"] = r.Wake }).ToArray());
        return new JsonObject
        {
            ["agent_name"] = a.Agent.Name,
            ["base_url"] = baseUrl,
            ["network_id"] = networkId,
            ["member_id"] = a.Agent.Id,
            ["runtime"] = a.Runtime.Kind,
            ["auth"] = auth,
            ["rooms"] = rooms,
            ["dms"] = new JsonObject { ["enabled"] = a.Dms.Enabled },
        };
    }
}
