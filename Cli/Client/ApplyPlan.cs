using System.Text.Json.Nodes;
using Moltnet.Configuration;

namespace Moltnet.Cli.Client;

/// <summary>One line of the apply diff: <c>+</c> create, <c>~</c> change, <c>=</c> unchanged.</summary>
public sealed record ApplyChange(string Op, string Kind, string Id, IReadOnlyList<string> Details)
{
    public string Text => $"{Op} {Kind} {Id}{(Details.Count > 0 ? ": " + string.Join("; ", Details) : "")}";

    public JsonObject ToJson() => new()
    {
        ["op"] = Op switch { "+" => "create", "~" => "change", _ => "unchanged" },
        ["kind"] = Kind,
        ["id"] = Id,
        ["details"] = new JsonArray(Details.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
    };
}

/// <summary>The <c>POST /v1/apply</c> body built from a server config, and its diff against the live server.</summary>
public static class ApplyPlan
{
    /// <summary>Rooms as declared; agent bindings from tokens' <c>agents</c> lists (<c>token:&lt;id&gt;</c> keys, never values).</summary>
    public static JsonObject Request(MoltnetConfig config, Action<string> warn)
    {
        var rooms = new JsonArray();
        foreach (var r in config.Rooms)
            rooms.Add(new JsonObject
            {
                ["id"] = r.Id,
                ["name"] = string.IsNullOrEmpty(r.Name) ? r.Id : r.Name,
                ["members"] = Strings(r.Members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
                ["visibility"] = r.Visibility,
                ["write_policy"] = r.WritePolicy,
            });
        var agents = new JsonArray();
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var token in config.Auth.Tokens)
            foreach (var agent in token.Agents)
            {
                var key = "token:" + token.Id;
                if (bound.TryGetValue(agent, out var existing))
                {
                    if (existing != key) warn($"agent \"{agent}\" is listed by tokens {existing} and {key}; binding it to {existing}");
                    continue;
                }
                bound[agent] = key;
                agents.Add(new JsonObject { ["id"] = agent, ["credential_key"] = key });
            }
        return new JsonObject { ["network_id"] = config.Network.Id, ["rooms"] = rooms, ["agents"] = agents };
    }

    /// <summary>Compares the request with live rooms (members replaced) and agents (bindings create or rebind).</summary>
    public static IReadOnlyList<ApplyChange> Diff(JsonObject request, IReadOnlyList<JsonNode> liveRooms, IReadOnlyList<JsonNode> liveAgents)
    {
        var changes = new List<ApplyChange>();
        var rooms = liveRooms.ToDictionary(r => (string)r["id"]!, StringComparer.Ordinal);
        foreach (var room in request["rooms"]!.AsArray())
        {
            var id = (string)room!["id"]!;
            var members = StringList(room["members"]);
            if (!rooms.TryGetValue(id, out var live))
            {
                changes.Add(new("+", "room", id, [
                    $"name \"{room["name"]}\"", $"{room["visibility"]}", $"write {room["write_policy"]}",
                    members.Count == 0 ? "no members" : "members " + string.Join(", ", members)]));
                continue;
            }
            var details = new List<string>();
            foreach (var field in new[] { "name", "visibility", "write_policy" })
                if ((string?)live[field] != (string?)room[field]) details.Add($"{field} \"{live[field]}\" → \"{room[field]}\"");
            var liveMembers = StringList(live["members"]);
            var added = members.Except(liveMembers, StringComparer.Ordinal).ToList();
            var removed = liveMembers.Except(members, StringComparer.Ordinal).ToList();
            if (added.Count > 0) details.Add("add members " + string.Join(", ", added));
            if (removed.Count > 0) details.Add("remove members " + string.Join(", ", removed));
            changes.Add(new(details.Count > 0 ? "~" : "=", "room", id, details));
        }
        var registered = liveAgents.Where(a => a["actor_uid"] is not null).Select(a => (string)a["id"]!).ToHashSet(StringComparer.Ordinal);
        foreach (var agent in request["agents"]!.AsArray())
        {
            var id = (string)agent!["id"]!;
            var key = (string)agent["credential_key"]!;
            changes.Add(registered.Contains(id)
                ? new("~", "agent", id, [$"bind to {key} (existing registration kept)"])
                : new("+", "agent", id, [$"register bound to {key}"]));
        }
        return changes;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());

    private static List<string> StringList(JsonNode? node) =>
        node?.AsArray().Select(n => (string?)n).OfType<string>().ToList() ?? [];
}
